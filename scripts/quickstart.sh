#!/usr/bin/env bash
# One command from a fresh clone: environment, install, warehouse built from the open-data mirror,
# the territory card of Vitré, the indicators of the reference day, then the web application left
# running at http://127.0.0.1:8000 (Ctrl-C to stop). The first argument replaces "Vitré";
# PORT changes the port.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
teletravail data build --source "$TELETRAVAIL_OPENDATA"
teletravail territoire "${1:-Vitré}"
teletravail diagnostic "Vitré Communauté" --output var/diagnostic-vitre-communaute.html
echo "Application web : http://127.0.0.1:${PORT:-8000}/ (Ctrl-C pour l'arrêter)"
exec teletravail serve --port "${PORT:-8000}"
