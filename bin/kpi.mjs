#!/usr/bin/env node
// `npx kpi …`: runs the built CLI (dist/<stamp>/cli.mjs). In a checkout, an edited source rebuilds it
// first (scripts/build.mjs, esbuild, about a second); otherwise start-up is node plus the modules a
// command needs.
import module from 'node:module';
import { ensureBuilt } from '../scripts/build.mjs';

// Node >= 22.1 keeps V8's compiled code of the modules on disk between runs; Node 20 has no such API
// (and nothing well-kept provides one for ES modules), so there it is a no-op.
module.enableCompileCache?.();

const dir = await ensureBuilt();
// The CLI keeps the analyzed demo KPIs in its build directory (src/cli/demo-registry.ts): a code change
// makes another directory, so a cache there never outlives the code that wrote it.
process.env.KPI_CLI_BUILD = dir;
await import(new URL(`file://${dir}/cli.mjs`).href);
