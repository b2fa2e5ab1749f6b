#!/usr/bin/env bash
# Sets up a fresh clone and runs every check: type-check, lint, the Electron bundle build (the browser workbench
# serves its renderer), unit + integration tests, browser e2e tests. This is the README's test command and what CI runs.
set -euo pipefail
cd "$(dirname "$0")/.."

if [ ! -x /usr/bin/chromium ]; then
  if [ "$(id -u)" = "0" ] && command -v apt-get >/dev/null; then
    echo "==> installing Chromium for the browser tests"
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium >/dev/null
  else
    echo "agenttrace: /usr/bin/chromium is missing; install it (apt-get install chromium) and run again" >&2
    exit 1
  fi
fi

echo "==> npm ci"
ELECTRON_SKIP_BINARY_DOWNLOAD=1 npm ci --no-audit --no-fund

echo "==> type-check"
npm run typecheck
echo "==> lint"
npm run lint
echo "==> Electron bundles"
npx electron-vite build
echo "==> unit and integration tests"
npx vitest run
if ls e2e/*.spec.ts >/dev/null 2>&1; then
  echo "==> browser e2e tests"
  npx playwright test
fi
echo "==> all checks passed"
