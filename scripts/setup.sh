#!/usr/bin/env bash
# Create the virtual environment (.venv) if needed and install the dependencies.
# Usage: bash scripts/setup.sh [--dev]
set -euo pipefail

ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
DEV=0
for arg in "$@"; do
    case "$arg" in
        --dev) DEV=1 ;;
        *) echo "setup.sh : option inconnue « $arg » (seule --dev est acceptée)" >&2; exit 2 ;;
    esac
done

if [[ ! -x "$VENV/bin/python" ]]; then
    PYTHON="$(command -v python3.11 || command -v python3 || true)"
    if [[ -z "$PYTHON" ]]; then
        echo "setup.sh : Python 3.11 introuvable (ni python3.11 ni python3)." >&2
        exit 1
    fi
    echo "→ Création de l'environnement virtuel .venv avec $("$PYTHON" --version)"
    "$PYTHON" -m venv "$VENV"
fi

REQUIREMENTS="$ROOT/requirements.txt"
[[ "$DEV" == 1 ]] && REQUIREMENTS="$ROOT/requirements-dev.txt"
echo "→ Installation des dépendances ($(basename "$REQUIREMENTS"))"
"$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$REQUIREMENTS"
echo "→ Environnement prêt : $VENV"
