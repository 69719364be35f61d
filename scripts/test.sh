#!/usr/bin/env bash
# One command to run the checks: dependencies, Chromium for the browser tests, ruff, pytest.
# Usage: bash scripts/test.sh [pytest arguments...]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
bash "$ROOT/scripts/setup.sh" --dev
cd "$ROOT"

if [[ ! -x /usr/bin/chromium ]]; then
    echo "→ Installation de Chromium (apt-get) pour les tests dans le navigateur"
    SUDO=""
    [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends chromium chromium-driver >/dev/null
fi

# The shared-cache tests start their own redis-server on a free loopback port (tests/test_redis_cache.py).
if ! command -v redis-server >/dev/null 2>&1; then
    echo "→ Installation de redis-server (apt-get) pour les tests du cache partagé"
    SUDO=""
    [[ "$(id -u)" != 0 ]] && SUDO="sudo"
    $SUDO apt-get update -qq
    DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq --no-install-recommends redis-server >/dev/null
fi

echo "→ Vérification du style (ruff)"
.venv/bin/ruff check .
.venv/bin/ruff format --check .

echo "→ Tests (pytest)"
status=0
.venv/bin/pytest -n 2 --dist loadgroup "$@" || status=$?
if [[ "$status" == 5 ]]; then
    echo "test.sh : aucun test n'a été exécuté." >&2
    exit 1
fi
exit "$status"
