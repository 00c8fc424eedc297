#!/usr/bin/env node
// @ts-nocheck
// `npx kpi …`: runs the built CLI (dist/<stamp>/cli.cjs). In a checkout, an edited source rebuilds it
// first (scripts/build.mjs, esbuild, about a second); otherwise start-up is node plus the code a
// command runs.
import { readFileSync, renameSync, writeFileSync } from 'node:fs';
import module from 'node:module';
import { join } from 'node:path';
import vm from 'node:vm';
import { ensureBuilt } from '../scripts/build.mjs';

// Node >= 22.1 keeps V8's compiled code of ES modules (this file, scripts/build.mjs) on disk between
// runs; on Node 20 it is a no-op. The CLI itself gets its own code cache below, on every Node.
module.enableCompileCache?.();

const dir = await ensureBuilt();
// The CLI keeps the analyzed demo KPIs in its build directory (src/cli/demo-registry.ts): a code change
// makes another directory, so a cache there never outlives the code that wrote it.
process.env.KPI_CLI_BUILD = dir;
runWithCodeCache(join(dir, 'cli.cjs'), codeCacheFile(dir, process.argv.slice(2)));

/**
 * One code cache a command (`--help` apart): V8's compiled code of what that command ran, written by its
 * first run, so later runs skip compiling it. Only names from a small alphabet become file names.
 */
function codeCacheFile(buildDir, argv) {
  const command = /^[a-z]{1,16}$/.test(argv[0] ?? '') ? argv[0] : 'other';
  const help = argv.includes('--help') || argv.includes('-h') ? '-help' : '';
  return join(buildDir, `cli-${command}${help}.v8-cache`);
}

/**
 * Runs the CommonJS-style script `file` in this context (as Node's own CommonJS loader would: the same
 * wrapper, `require` relative to the file) with the V8 code cache in `cacheFile`. Without a usable cache
 * (none yet, or made by another Node/V8), one is written when the process exits. A cache that cannot be
 * read or written (a read-only image) only makes the start slower.
 */
function runWithCodeCache(file, cacheFile) {
  let cachedData;
  try {
    cachedData = readFileSync(cacheFile);
  } catch {
    // No cache yet.
  }
  const source = readFileSync(file, 'utf8');
  const wrapper = `(function (exports, require, module, __filename, __dirname) {${source}\n})`;
  const script = new vm.Script(wrapper, { filename: file, cachedData });
  if (cachedData === undefined || script.cachedDataRejected) {
    process.once('exit', () => {
      try {
        const tmp = `${cacheFile}.${process.pid}.tmp`;
        writeFileSync(tmp, script.createCachedData());
        renameSync(tmp, cacheFile);
      } catch {
        // Read-only build directory: no cache, same behaviour.
      }
    });
  }
  const cjs = { exports: {} };
  script.runInThisContext()(cjs.exports, module.createRequire(file), cjs, file, dir);
}
