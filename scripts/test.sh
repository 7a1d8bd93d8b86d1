#!/usr/bin/env bash
# One command from a fresh clone: environment, install, lint, type-check, every test (unit tests on
# the project's fixtures, integration tests on the open-data mirror TELETRAVAIL_OPENDATA, browser
# tests in Debian's Chromium), then the web tests again on PostgreSQL (127.0.0.1:5432, database test).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
if [ ! -x /usr/bin/chromium ]; then
  echo "Installation de Chromium (Debian) pour les tests dans le navigateur…"
  apt-get install -y -qq chromium >/dev/null 2>&1 || { apt-get update -qq && apt-get install -y -qq chromium >/dev/null; }
fi
ruff check src tests benchmarks
mypy
python -m pytest -n 2 "$@"
PG_URL="${TELETRAVAIL_TEST_POSTGRES:-postgres://postgres@127.0.0.1:5432/test}"
if [ "$PG_URL" != "none" ]; then
  echo "Tests de l'application web sur PostgreSQL ($PG_URL)…"
  TELETRAVAIL_DATABASE_URL="$PG_URL" python -m pytest -n 2 -q tests/web tests/browser
fi
