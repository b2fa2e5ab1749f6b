#!/usr/bin/env bash
# Sets up a fresh clone and launches the workbench: the Electron app where its binary can be installed,
# otherwise the same UI in the browser (`agenttrace ui`). This is the README's launch command.
set -euo pipefail
cd "$(dirname "$0")/.."
if [ ! -d node_modules ]; then
  echo "==> npm ci"
  if ! npm ci --no-audit --no-fund; then
    echo "==> the Electron binary could not be downloaded; installing without it (browser mode)"
    ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund
  fi
fi
echo "==> building"
npm run build >/dev/null
exec npm start -- "$@"
