#!/usr/bin/env bash
# The whole test suite: installs what the real stack needs (idempotent), then runs every project.
# The integration project's global setup starts the stack through `npm run stack:up`, with Apache Druid
# (KPI_WITH_DRUID=1, about 2 GB and a minute of boot beside Trino's): the Druid tests run against it.
# KPI_WITH_DRUID=0 leaves Druid out; its tests are then skipped, and say so.
set -euo pipefail
export KPI_WITH_DRUID="${KPI_WITH_DRUID:-1}"
cd "$(dirname "$0")/.."
bash scripts/install-prereqs.sh
npx tsc -p tsconfig.json --noEmit
npx tsc -p src/web/client/tsconfig.json --noEmit
npx biome check . >/dev/null || { npx biome check . | tail -40; exit 1; }
# The import rules of src/ (.dependency-cruiser.cjs): no cycle, every arrow where the folder READMEs say.
npm run --silent lint:imports
npx vitest run "$@"
