#!/usr/bin/env bash
# Rebuild plotly-dashboard.min.js from the npm registry (needs Node.js and npm; not run by the app or the tests).
# Keep PLOTLY_VERSION equal to the plotly.js of the installed plotly package:
#   python -c "from plotly.offline import get_plotlyjs_version as v; print(v())"
set -euo pipefail
PLOTLY_VERSION=4.1.1
ESBUILD_VERSION=0.28.2
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cp "$here/entry.js" "$work/"
cd "$work"
npm init -y >/dev/null
npm install --no-audit --no-fund "plotly.js@$PLOTLY_VERSION" "esbuild@$ESBUILD_VERSION" >/dev/null
npx esbuild entry.js --bundle --minify --format=iife --global-name=Plotly --target=es2016 \
    --define:global=window --define:define.amd=false --loader:.css=empty --legal-comments=none \
    --banner:js="/*! plotly.js v$PLOTLY_VERSION (MIT, Plotly Technologies Inc.), partial bundle: scatter, bar, choropleth, scattergeo */" \
    --outfile="$here/plotly-dashboard.min.js"
cp node_modules/plotly.js/LICENSE "$here/LICENSE"
sha256sum "$here/plotly-dashboard.min.js"
