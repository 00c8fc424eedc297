/**
 * The import rules of src/ (issue 11): each folder's README says what it may import, and this file
 * holds them — `npm run lint` fails on an import outside them and on any import cycle. Keep the two
 * in step: a new arrow is a design change, made here and in the folder's README together.
 */
const folder = (name) => `^src/${name}/`;
const anyOf = (...names) => `^src/(${names.join('|')})/`;

/** Folder → the other folders of src/ it may import (its own files, shared/ and packages always). */
const MAY_IMPORT = {
  shared: [],
  catalog: [],
  cache: [],
  realtime: [],
  ir: ['catalog'],
  lang: ['ir'],
  semantic: ['lang', 'catalog', 'ir'],
  plan: ['ir', 'catalog'],
  emit: ['plan', 'ir', 'catalog'],
  exec: ['plan', 'emit', 'ir', 'catalog'],
  config: ['exec/trino-connection.ts'],
  // emit/literal.ts is the one place names and values become SQL text: whoever writes SQL uses it.
  store: ['ir', 'emit/literal.ts'],
  rollup: ['catalog', 'ir', 'plan', 'emit', 'exec'],
  optimize: ['catalog', 'ir', 'plan', 'emit', 'exec', 'rollup'],
  offload: ['semantic', 'catalog', 'ir'],
  docs: ['lang/highlight.ts'],
  'sql-endpoint': ['ir', 'catalog', 'exec/trino-connection.ts', 'emit/literal.ts'],
  alerts: ['ir', 'store'],
  scheduler: ['ir', 'store', 'exec/limiter.ts', 'rollup/admin.ts'],
  reports: ['ir', 'store', 'scheduler', 'alerts'],
  data: ['ir', 'catalog', 'config', 'rollup', 'emit/literal.ts'],
  embedded: ['store', 'data'],
  stack: ['data', 'config', 'catalog', 'rollup', 'store', 'emit/literal.ts'],
  service: [
    'alerts', 'cache', 'catalog', 'config', 'data', 'embedded', 'emit', 'exec', 'ir', 'offload',
    'optimize', 'plan', 'realtime', 'reports', 'rollup', 'scheduler', 'semantic', 'sql-endpoint', 'store',
  ],
  api: ['service', 'ir', 'catalog', 'cache', 'store', 'realtime', 'reports', 'alerts', 'sql-endpoint', 'docs', 'web/serve.ts', 'config'],
  web: [],
  cli: [
    'catalog', 'config', 'data', 'embedded', 'emit', 'exec', 'ir', 'optimize', 'plan', 'rollup', 'semantic',
    'service', 'stack',
  ],
};

const target = (entry) => (entry.endsWith('.ts') ? `^src/${entry.replaceAll('.', '\\.')}$` : folder(entry));

module.exports = {
  forbidden: [
    { name: 'no-circular', comment: 'import cycles (files)', severity: 'error', from: { path: '^src/' }, to: { circular: true } },
  ],
  allowed: [
    // Packages, node: modules, the generated grammar and fixtures.
    { from: {}, to: { dependencyTypes: ['npm', 'npm-dev', 'npm-optional', 'npm-peer', 'npm-no-pkg', 'core'] } },
    // Package subpaths the resolver cannot follow (hono/route, chevrotain's ESM build): packages all the same.
    { from: {}, to: { couldNotResolve: true, pathNot: '^[.]' } },
    // The grammar (outside src/) is the language front end's own.
    { from: { pathNot: '^src/' }, to: {} },
    { from: { path: '^src/lang/' }, to: { path: '^grammar/' } },
    // Inside a folder, and the neutral shared folder from anywhere.
    { from: { path: '^src/([^/]+)/' }, to: { path: '^src/$1/' } },
    { from: { path: '^src/' }, to: { path: '^src/shared/' } },
    // The entry point: configuration and the HTTP edge.
    { from: { path: '^src/main\\.ts$' }, to: { path: anyOf('api', 'config') } },
    ...Object.entries(MAY_IMPORT)
      .filter(([, allowed]) => allowed.length > 0)
      .map(([name, allowed]) => ({
        from: { path: folder(name) },
        to: { path: allowed.map(target).join('|') },
      })),
  ],
  allowedSeverity: 'error',
  options: {
    tsPreCompilationDeps: true,
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^src/web/client/' },
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
