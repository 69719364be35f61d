#!/usr/bin/env bash
# One command to install, build the data if needed, and serve the dashboard with gunicorn.
# Usage: bash scripts/run.sh [--rebuild]     (PORT=8050 by default; BIND_HOST=127.0.0.1 by default;
# OPENDATA_MIRROR for offline data; DATA_DIR for another data folder than data/; REGION=84 or REGION=france to
# build another région or the whole country than the Hauts-de-France)
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
    echo "→ Construction des données (python -m loaders build${REGION:+ --region $REGION})${OPENDATA_MIRROR:+ depuis le miroir $OPENDATA_MIRROR}"
    .venv/bin/python -m loaders build ${REGION:+--region "$REGION"}
fi

export PORT="${PORT:-8050}"
# On a presenter's laptop the dashboard listens on this machine only (the Procfile and production keep
# gunicorn.conf.py's 0.0.0.0); BIND_HOST=0.0.0.0 opens it to the local network.
export BIND_HOST="${BIND_HOST:-127.0.0.1}"
LOGS="${DATA_DIR:-$ROOT/data}/logs"
mkdir -p "$LOGS"
# Access logs go to a file, not to the terminal (ACCESS_LOG= turns them off, ACCESS_LOG=- shows them).
export ACCESS_LOG="${ACCESS_LOG-$LOGS/acces.log}"
export LOG_LEVEL="${LOG_LEVEL:-warning}"

# Workers, threads, timeouts, limits: gunicorn.conf.py (same command as the Procfile).
.venv/bin/gunicorn -c gunicorn.conf.py dashboard.wsgi:server &
SERVER=$!
trap 'kill -TERM "$SERVER" 2>/dev/null || true' INT TERM
PROBE_HOST="$BIND_HOST"
[[ "$PROBE_HOST" == "0.0.0.0" ]] && PROBE_HOST="127.0.0.1"
until .venv/bin/python -c "import sys, urllib.request, urllib.error
try:
    urllib.request.urlopen(sys.argv[1], timeout=2)
except urllib.error.HTTPError:
    pass  # an answer (503: data missing) is an answer
" "http://$PROBE_HOST:$PORT/healthz" 2>/dev/null; do
    if ! kill -0 "$SERVER" 2>/dev/null; then
        echo "run.sh : le tableau de bord n'a pas démarré (voir les messages ci-dessus)." >&2
        wait "$SERVER" || exit $?
        exit 1
    fi
    sleep 0.5
done
echo "prêt : http://localhost:$PORT (Ctrl+C pour arrêter ; journal des accès : ${ACCESS_LOG:-aucun})"
wait "$SERVER"
