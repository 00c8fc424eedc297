#!/usr/bin/env node
// `npx kpi …`: runs the built CLI (dist/<stamp>/cli.mjs). In a checkout, an edited source rebuilds it
// first (scripts/build.mjs, esbuild, about a second); otherwise start-up is node plus the modules a
// command needs.
import { ensureBuilt } from '../scripts/build.mjs';

const dir = await ensureBuilt();
await import(new URL(`file://${dir}/cli.mjs`).href);
