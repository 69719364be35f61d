#!/usr/bin/env bash
# Fetch runtime.js from the npm registry, checked against its published integrity (not run by the app or the tests).
set -euo pipefail
VERSION=0.13.11
INTEGRITY=sha512-kY1AZVr2Ra+t+piVaJ4gxaFaReZVH40AKNo7UCX6W+dEwBo/2oZJzqfuN1qLq1oL45o56cPaTXELwrTh8Fpggg==
here=$(cd "$(dirname "$0")" && pwd)
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT
cd "$work"
curl -fsSL -o package.tgz "https://registry.npmjs.org/regenerator-runtime/-/regenerator-runtime-$VERSION.tgz"
test "sha512-$(openssl dgst -sha512 -binary package.tgz | base64 -w0)" = "$INTEGRITY"
tar xzf package.tgz
cp package/runtime.js package/LICENSE "$here/"
sha256sum "$here/runtime.js"
