#!/usr/bin/env bash
# One command to install, build the data if needed, and serve the dashboard with gunicorn.
# Usage: bash scripts/run.sh [--rebuild]     (PORT=8050 by default; OPENDATA_MIRROR for offline data;
# DATA_DIR for another data folder than data/)
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
REBUILD=0
for arg in "$@"; do
    case "$arg" in
        --rebuild) REBUILD=1 ;;
        *) echo "run.sh : option inconnue « $arg » (seule --rebuild est acceptée)" >&2; exit 2 ;;
    esac
done

bash "$ROOT/scripts/setup.sh"
cd "$ROOT"

PROCESSED="${DATA_DIR:-$ROOT/data}/processed"
if [[ "$REBUILD" == 1 || ! -d "$PROCESSED" ]]; then
    echo "→ Construction des données (python -m loaders build)${OPENDATA_MIRROR:+ depuis le miroir $OPENDATA_MIRROR}"
    .venv/bin/python -m loaders build
fi

export PORT="${PORT:-8050}"
echo "→ Tableau de bord sur http://localhost:$PORT (Ctrl+C pour arrêter)"
# Workers, threads, timeouts, limits: gunicorn.conf.py (same command as the Procfile).
exec .venv/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server
