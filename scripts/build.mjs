/**
 * The build: bundles the TypeScript sources into plain ES modules under `dist/<stamp>/` with esbuild, so
 * `kpi` and `npm start` run node on JavaScript (no TypeScript loader at run time).
 *
 * - Entry points: `cli.cjs` (src/cli/run.ts, built on its own as one script, see buildCli),
 *   `main.mjs` (src/main.ts), `data.mjs` (src/data/cli.ts),
 *   `sources-worker.mjs` (the embedded default's worker thread, src/embedded/sources-worker.ts),
 *   `language-worker.mjs` (the language workers, src/offload/language-worker.ts);
 *   the service's shared code is split into chunks. In the CLI each command's modules stay behind
 *   lazy initializers, so `kpi compile` runs no HTTP or database code and loads no such package.
 * - npm packages stay external (node_modules at run time) — except Chevrotain, which is bundled: its
 *   package entry loads lodash-es as ~600 separate modules (≈0.7 s), bundled it is one tree-shaken file.
 * - `new URL('../../fixtures/…', import.meta.url)` in a source file must still find the project's files,
 *   so each source's `import.meta.url` is rewritten to that source file's own URL.
 * - `dist/<stamp>/`: the stamp changes with any input (source mtimes and names, lockfile, this script), so
 *   concurrent builds never write into a directory someone runs from; `dist/current.json` names the newest.
 *
 * - The web app: `dist/<stamp>/web/` holds src/web/client bundled by Vite (see buildWebApp).
 *
 * `ensureBuilt()` is what `bin/kpi.mjs` and `npm start` call: it returns the fresh build's directory,
 * building first only when an input changed (a few ms of `stat` calls otherwise). Without `src/` (a
 * deployed image) it trusts `dist/current.json`. `node scripts/build.mjs` builds (npm's `prepare`).
 */
import { existsSync, mkdirSync, readdirSync, readFileSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const dist = join(root, 'dist');
const INPUT_DIRS = ['src', 'grammar'];
const INPUT_FILES = ['package.json', 'package-lock.json', 'tsconfig.json', 'scripts/build.mjs'];
// The CLI is built on its own (buildCli); the service's entries share chunks.
const CLI_ENTRY = 'src/cli/run.ts';
const ENTRIES = {
  main: 'src/main.ts',
  data: 'src/data/cli.ts',
  // The embedded default's demo sources run on a worker thread, loaded from its own file.
  'sources-worker': 'src/embedded/sources-worker.ts',
  // Request-supplied KPI definitions are analyzed on worker threads (src/offload).
  'language-worker': 'src/offload/language-worker.ts',
};
const BUNDLED_PACKAGES = /^(chevrotain|@chevrotain\/[^/]+|lodash-es)(\/|$)/;
/**
 * The CLI also bundles zod: its package entry is ~100 modules, and opening, resolving and compiling
 * them was ~40% of `kpi check`'s start-up. Only in the CLI build: the service passes zod schemas to
 * @hono/zod-openapi (external), and schemas from a second copy of zod would not be recognised there.
 * (Our sources import zod as a namespace, `import * as z`, so only the parts they use are bundled.)
 */
const CLI_BUNDLED_PACKAGES = /^(chevrotain|@chevrotain\/[^/]+|lodash-es|zod)(\/|$)/;

/** FNV-1a over text, 32 bits as 8 hex digits (node:crypto costs more to load than this takes). */
function fnv1a(text, seed = 0x811c9dc5) {
  let h = seed >>> 0;
  for (let i = 0; i < text.length; i++) {
    h ^= text.charCodeAt(i);
    h = Math.imul(h, 0x01000193) >>> 0;
  }
  return h.toString(16).padStart(8, '0');
}

const INPUT_FILE = /\.(ts|mts|mjs|json|js|css|html)$/;

/**
 * A hash of every input's path, size and mtime: any edit, added or deleted file changes it. Every `kpi`
 * run pays for this walk (~250 files), so it stats files only (directory entries carry their type) and
 * builds relative paths by concatenation (path.relative per file was half its time).
 */
function inputStamp() {
  const parts = [];
  const visit = (rel) => {
    const entries = readdirSync(join(root, rel), { withFileTypes: true });
    entries.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    for (const entry of entries) {
      const name = entry.name;
      if (name === 'node_modules' || name.startsWith('.')) continue;
      const path = `${rel}/${name}`;
      if (entry.isDirectory()) visit(path);
      else if (INPUT_FILE.test(name)) {
        const s = statSync(join(root, path), { throwIfNoEntry: false });
        if (s) parts.push(`${path}\0${s.size}\0${s.mtimeMs}\n`);
      }
    }
  };
  for (const d of INPUT_DIRS) if (existsSync(join(root, d))) visit(d);
  for (const f of INPUT_FILES) {
    const s = statSync(join(root, f), { throwIfNoEntry: false });
    if (s) parts.push(`${f}\0${s.size}\0${s.mtimeMs}\n`);
  }
  const text = parts.join('');
  // Two seeds: 64 bits, so two different inputs sharing a build directory is not a practical concern.
  return fnv1a(text) + fnv1a(text, 0x01234567).slice(0, 4);
}

const hasSources = () => existsSync(join(root, 'src'));

function current() {
  try {
    return JSON.parse(readFileSync(join(dist, 'current.json'), 'utf8')).dir;
  } catch {
    return undefined;
  }
}

/** The directory of an up-to-date build, building it first when needed. */
export async function ensureBuilt({ quiet = true } = {}) {
  if (!hasSources()) {
    const dir = current();
    if (!dir) throw new Error(`no build in ${dist} and no sources to build from`);
    return join(dist, dir);
  }
  const stamp = inputStamp();
  const dir = join(dist, stamp);
  if (existsSync(join(dir, 'done'))) return dir;
  await build(stamp, quiet);
  return dir;
}

/**
 * Rewrites `import.meta.url` in our own sources to the source file's URL (see the header). `base` is
 * the expression for the URL of the bundle the code ends up in: `import.meta.url` in an ES module, the
 * script's own file in the CLI's CommonJS-style script (which has no `import.meta`).
 */
const sourceUrl = (base) => ({
  name: 'source-import-meta-url',
  setup(b) {
    b.onLoad({ filter: /\.(ts|mts)$/ }, (args) => {
      if (args.path.includes('node_modules')) return undefined;
      const text = readFileSync(args.path, 'utf8');
      if (!text.includes('import.meta.url')) return { contents: text, loader: 'ts' };
      // Relative to the build directory (dist/<stamp>/, one level below dist/), so a moved checkout or
      // a copied image (dist/ beside fixtures/, sql/) still resolves.
      const rel = JSON.stringify(relative(join(dist, 'stamp'), args.path).split('\\').join('/'));
      const expr = `new URL(${rel}, ${base}).href`;
      return { contents: text.replaceAll('import.meta.url', expr), loader: 'ts' };
    });
  },
});
const sourceUrlPlugin = sourceUrl('import.meta.url');

/** npm packages are loaded from node_modules at run time, except the ones bundled on purpose. */
const externalPackages = (bundled) => ({
  name: 'external-packages',
  setup(b) {
    b.onResolve({ filter: /^[^./]/ }, (args) => {
      if (args.path.startsWith('node:') || !bundled.test(args.path)) {
        return { path: args.path, external: true };
      }
      return undefined;
    });
  },
});
const externalPackagesPlugin = externalPackages(BUNDLED_PACKAGES);

/**
 * Chevrotain's grammar checks run once here, on the same grammar sources, so the bundles may skip them
 * at every start (grammar/validations.ts): a grammar error fails the build instead.
 */
async function checkGrammar(esbuild, tmp) {
  const out = join(tmp, 'grammar-check.mjs');
  await esbuild({
    stdin: {
      contents: "import { KpiParser } from './grammar/parser.ts'; new KpiParser();",
      resolveDir: root,
      loader: 'ts',
    },
    outfile: out,
    bundle: true,
    format: 'esm',
    platform: 'node',
    logLevel: 'error',
    plugins: [externalPackagesPlugin],
  });
  await import(pathToFileURL(out).href);
  rmSync(out);
}

/**
 * The web app (src/web/client), bundled by Vite with its own config (src/web/client/vite.config.mjs): the
 * page, its entry, the lazily loaded chunks (CodeMirror, the sign-in) and the stylesheet, each named with
 * a content hash, under `dist/<stamp>/web/` — everything from node_modules, nothing from a CDN. The
 * service serves it at `/` and `/app/` (src/web/serve.ts).
 */
export async function buildWebApp(tmp) {
  const { build: viteBuild } = await import('vite');
  // Vite's build sets NODE_ENV=production in the process it runs in when it is unset. `npm start` builds
  // in the process that then runs the service: left so, the first start after an edit ran in production
  // mode (JSON logs, no local CORS origins) and the next one in development.
  const nodeEnv = process.env.NODE_ENV;
  try {
    await viteBuild({
      configFile: join(root, 'src/web/client/vite.config.mjs'),
      logLevel: 'error',
      build: { outDir: join(tmp, 'web'), emptyOutDir: true },
    });
  } finally {
    if (nodeEnv === undefined) delete process.env.NODE_ENV;
    else process.env.NODE_ENV = nodeEnv;
  }
}

/**
 * The CLI as one CommonJS-style script, `cli.cjs`, so bin/kpi.mjs can run it through node:vm with a V8
 * code cache: Node 20 keeps no compiled code of ES modules between runs (module.enableCompileCache is
 * Node >= 22.1), and compiling the bundled Chevrotain, zod and our compiler at every start was a fifth
 * of `kpi check`. One file also spares the ES module loader's resolve-and-load of some twenty chunks.
 * Each command's modules stay behind esbuild's lazy initializers (our `await import('./check.ts')`
 * becomes one), so `kpi compile` still runs no HTTP or database code and requires no such package.
 * Strict mode as in the ES modules it is made of; `node dist/<stamp>/cli.cjs …` runs it directly too.
 */
function buildCli(esbuild, options) {
  return esbuild({
    ...options,
    entryPoints: [join(root, CLI_ENTRY)],
    outdir: undefined,
    outExtension: undefined,
    outfile: join(options.outdir, 'cli.cjs'),
    format: 'cjs',
    splitting: false,
    banner: { js: '"use strict";' },
    plugins: [
      externalPackages(CLI_BUNDLED_PACKAGES),
      sourceUrl('require("node:url").pathToFileURL(__filename)'),
    ],
  });
}

async function build(stamp, quiet) {
  const started = performance.now();
  const { build: esbuild } = await import('esbuild');
  const tmp = join(dist, `.tmp-${stamp}-${process.pid}`);
  rmSync(tmp, { recursive: true, force: true });
  mkdirSync(tmp, { recursive: true });
  await checkGrammar(esbuild, tmp);
  const options = {
    // KPI_BUILD_STAMP: the service finds the web app's assets in dist/<stamp>/web (src/web/serve.ts).
    define: { KPI_GRAMMAR_CHECKED: 'true', KPI_BUILD_STAMP: JSON.stringify(stamp) },
    absWorkingDir: root,
    outdir: tmp,
    outExtension: { '.js': '.mjs' },
    bundle: true,
    splitting: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    sourcemap: 'linked',
    // Smaller text parses faster at every start (the source map keeps stack traces readable).
    minifyWhitespace: true,
    minifySyntax: true,
    logLevel: 'error',
  };
  const entries = (list) => Object.fromEntries(Object.entries(list).map(([k, v]) => [k, join(root, v)]));
  await Promise.all([
    buildWebApp(tmp),
    esbuild({ ...options, entryPoints: entries(ENTRIES), plugins: [externalPackagesPlugin, sourceUrlPlugin] }),
    buildCli(esbuild, options),
  ]);
  writeFileSync(join(tmp, 'done'), `${new Date().toISOString()}\n`);
  const dir = join(dist, stamp);
  try {
    renameSync(tmp, dir);
  } catch (error) {
    // Another process built the same inputs first: its build is identical.
    rmSync(tmp, { recursive: true, force: true });
    if (!existsSync(join(dir, 'done'))) throw error;
  }
  const pointer = join(dist, `.current-${process.pid}.json`);
  writeFileSync(pointer, `${JSON.stringify({ dir: stamp })}\n`);
  renameSync(pointer, join(dist, 'current.json'));
  prune(stamp);
  if (!quiet) console.error(`kpi-engine: built dist/${stamp} in ${Math.round(performance.now() - started)} ms`);
}

/** Older builds go once they are a minute old (a process started from one just before keeps it). */
function prune(keep) {
  const minute = Date.now() - 60_000;
  for (const name of readdirSync(dist)) {
    if (name === keep || name === 'current.json') continue;
    const path = join(dist, name);
    const s = statSync(path, { throwIfNoEntry: false });
    if (s?.isDirectory() && s.mtimeMs < minute) rmSync(path, { recursive: true, force: true });
  }
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
  await ensureBuilt({ quiet: false });
}
