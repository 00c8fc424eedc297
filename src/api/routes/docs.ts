/**
 * The API's documentation, served by the service itself so it works without internet access:
 * `/openapi.json` (OpenAPI 3.1, lint-clean under `@redocly/cli lint`), `/docs` (Swagger UI from the
 * swagger-ui-dist package in node_modules, not a CDN) and `/docs/grammar` (the KPI language's syntax
 * diagrams, a self-contained page) and `/docs/guide` (the user guide, src/docs). None of them holds
 * data, so they are public even with auth on.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { guideRoutes } from '../../docs/guide.ts';
import type { App, AppDeps } from '../deps.ts';
import { completeOpenApi } from './openapi.ts';

const DOCS_PAGE = `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><title>kpi-engine API</title>
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="stylesheet" href="/docs/assets/swagger-ui.css"></head>
<body><div id="ui"></div>
<script src="/docs/assets/swagger-ui-bundle.js"></script>
<script src="/docs/assets/init.js"></script>
<noscript>The machine-readable API description is at <a href="/openapi.json">/openapi.json</a>.</noscript>
</body></html>`;

// A file of its own rather than an inline script, so a strict Content-Security-Policy can allow 'self'.
const INIT_SCRIPT = `window.ui = SwaggerUIBundle({ url: '/openapi.json', dom_id: '#ui', deepLinking: true });\n`;

/** The Swagger UI files the page uses, with their types; nothing else is served from the package. */
const SWAGGER_FILES: Readonly<Record<string, string>> = {
  'swagger-ui.css': 'text/css; charset=utf-8',
  'swagger-ui-bundle.js': 'text/javascript; charset=utf-8',
};

export const PUBLIC_DOC_PATHS = (path: string): boolean =>
  path === '/openapi.json' || path === '/docs' || path.startsWith('/docs/');

const packageVersion = (): string =>
  JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')).version;

// Named `require` so dependency checkers (depcheck) see the package is used.
const require = createRequire(import.meta.url);

function swaggerDir(): string {
  return dirname(require.resolve('swagger-ui-dist/package.json'));
}

export function docsRoutes(app: App, deps: AppDeps): void {
  let document: unknown;
  app.get('/openapi.json', (c) => {
    // Built once, on first request: every route is registered by then.
    document ??= completeOpenApi(
      app.getOpenAPI31Document({
        openapi: '3.1.0',
        info: {
          title: 'kpi-engine',
          version: packageVersion(),
          description:
            'KPI definitions, cached metric routes, ad-hoc queries, rollups and reports. Errors: {error: {code, message, details}}.',
          license: { name: 'Proprietary', url: 'https://github.com/kpi-engine/kpi-engine' },
        },
        servers: [{ url: '/', description: 'this service' }],
        security: deps.auth ? [{ bearer: [] }] : [],
      }),
      { auth: Boolean(deps.auth) },
    );
    return c.json(document);
  });
  if (deps.auth) {
    app.openAPIRegistry.registerComponent('securitySchemes', 'bearer', {
      type: 'http',
      scheme: 'bearer',
      bearerFormat: 'JWT',
      description: 'Auth0 M2M access token; scopes read:kpis / write:kpis',
    });
  }

  app.get('/docs', (c) => c.html(DOCS_PAGE));
  app.get('/docs/assets/init.js', (c) =>
    c.body(INIT_SCRIPT, 200, {
      'Content-Type': 'text/javascript; charset=utf-8',
      'Cache-Control': 'public, max-age=3600',
    }),
  );
  const cached = new Map<string, Buffer>();
  app.get('/docs/assets/:file', (c) => {
    const file = c.req.param('file');
    const type = SWAGGER_FILES[file];
    if (!type) return c.json({ error: { code: 'not-found', message: `no docs asset ${file}` } }, 404);
    let body = cached.get(file);
    if (!body) {
      body = readFileSync(join(swaggerDir(), file));
      cached.set(file, body);
    }
    return c.body(new Uint8Array(body), 200, {
      'Content-Type': type,
      'Cache-Control': 'public, max-age=86400',
    });
  });
  // The user guide (README and docs/*.md) as pages, ```kpi blocks highlighted: src/docs/guide.ts.
  guideRoutes(app);
  app.get('/docs/grammar', (c) =>
    c.html(readFileSync(new URL('../../../grammar/syntax-diagrams.html', import.meta.url), 'utf8')),
  );
}
