#!/usr/bin/env bash
# Creates .venv (Python 3.11) and installs the project with its pinned dependencies.
# Sourced by quickstart.sh and test.sh; sets TELETRAVAIL_OPENDATA to ../shared/opendata if unset.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$ROOT"
PYTHON="${PYTHON:-python3.11}"
command -v "$PYTHON" >/dev/null 2>&1 || PYTHON=python3
if [ ! -x .venv/bin/python ]; then
  "$PYTHON" -m venv .venv
fi
.venv/bin/python -m pip install --quiet --disable-pip-version-check -e ".[dev]"
export TELETRAVAIL_OPENDATA="${TELETRAVAIL_OPENDATA:-$(cd "$ROOT/.." && pwd)/shared/opendata}"
if [ ! -d "$TELETRAVAIL_OPENDATA" ]; then
  echo "Données ouvertes introuvables : $TELETRAVAIL_OPENDATA (définissez TELETRAVAIL_OPENDATA)." >&2
  exit 2
fi
export PATH="$ROOT/.venv/bin:$PATH"
