#!/usr/bin/env bash
# One command from a fresh clone: environment, install, lint, type-check, every test (unit tests on
# the project's fixtures and integration tests on the open-data mirror TELETRAVAIL_OPENDATA).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
ruff check src tests benchmarks
mypy
python -m pytest -n 2 "$@"
