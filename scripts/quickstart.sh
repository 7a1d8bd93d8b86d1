#!/usr/bin/env bash
# One command from a fresh clone: environment, install, warehouse built from the open-data mirror,
# then the territory card of Vitré. Extra arguments replace "Vitré" (e.g. "CA du Grand Sénonais").
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
teletravail data build --source "$TELETRAVAIL_OPENDATA"
teletravail territoire "${1:-Vitré}"
