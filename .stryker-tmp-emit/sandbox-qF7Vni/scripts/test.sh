#!/usr/bin/env bash
# The whole test suite: installs what the real stack needs (idempotent), then runs every project.
# The integration project's global setup starts the stack through `npm run stack:up`.
set -euo pipefail
cd "$(dirname "$0")/.."
bash scripts/install-prereqs.sh
npx tsc -p tsconfig.json --noEmit
npx tsc -p src/web/client/tsconfig.json --noEmit
npx biome check . >/dev/null || { npx biome check . | tail -40; exit 1; }
npx vitest run "$@"
