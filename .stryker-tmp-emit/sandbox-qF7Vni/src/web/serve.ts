/**
 * Serves the web app: `/` is its page, `/app/<file>` its scripts, stylesheet and source maps, all from the
 * build (`dist/<stamp>/web/`, bundled by Vite in scripts/build.mjs). None of it holds data, so it is public
 * even with auth on; the app then calls the API with the user's token.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import type { Hono } from 'hono';

declare const KPI_BUILD_STAMP: string | undefined;

/**
 * The files of a build's web/ folder: the entry, its lazily loaded chunks, the stylesheet and their maps,
 * each named `<name>-<content hash>.<ext>` (src/web/client/vite.config.mjs). One flat folder and no dots
 * before the extension, so a name can never reach outside it.
 */
const ASSET = /^[A-Za-z0-9_]+-[A-Za-z0-9_-]+\.(?:js|css)(?:\.map)?$/;
const typeOf = (file: string): string =>
  file.endsWith('.css')
    ? 'text/css; charset=utf-8'
    : file.endsWith('.map')
      ? 'application/json; charset=utf-8'
      : 'text/javascript; charset=utf-8';
/** An asset's name changes with its content, so browsers may keep it for good; only the page is revalidated. */
const IMMUTABLE = 'public, max-age=31536000, immutable';

export const isPublicWebPath = (path: string): boolean => path === '/' || path.startsWith('/app/');

/**
 * The build this code was bundled into; under tsx (tests that call createApp in-process) the newest
 * build, which `npm run build` makes.
 */
function assetDir(): URL | null {
  const dist = new URL('../../dist/', import.meta.url);
  if (typeof KPI_BUILD_STAMP === 'string') return new URL(`${KPI_BUILD_STAMP}/web/`, dist);
  try {
    const { dir } = JSON.parse(readFileSync(new URL('current.json', dist), 'utf8')) as { dir: string };
    return new URL(`${dir}/web/`, dist);
  } catch {
    return null;
  }
}

const NOT_BUILT = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>kpi-engine</title></head>
<body><main><h1>kpi-engine</h1><p>The web app is not built: run <code>npm run build</code>.
The API is at <a href="/docs">/docs</a>.</p></main></body></html>`;

/** Auth0's SPA login for the web app (Authorization Code with PKCE in the browser). */
export interface WebLogin {
  readonly domain: string;
  readonly clientId: string;
  readonly audience: string;
}

/** The page's policy: its own origin, plus the login's tenant (token calls, silent renewal frames). */
function securityPolicy(login: WebLogin | undefined): string {
  const tenant = login ? ` https://${login.domain}` : '';
  return `default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; connect-src 'self'${tenant}; frame-src${tenant || " 'none'"}; base-uri 'none'; frame-ancestors 'none'`;
}

export function webRoutes(app: Hono<any>, options: { login?: WebLogin | undefined } = {}): void {
  const policy = securityPolicy(options.login);
  // What the app needs to sign people in: public, as the page (it names no secret).
  const config = JSON.stringify({ login: options.login ?? null });
  const files = new Map<string, Buffer>();
  const read = (name: string): Buffer | null => {
    const cached = files.get(name);
    if (cached) return cached;
    const dir = assetDir();
    if (!dir) return null;
    try {
      const body = readFileSync(new URL(name, dir));
      files.set(name, body);
      return body;
    } catch {
      return null;
    }
  };

  app.get('/', (c) => {
    const page = read('index.html');
    if (!page) return c.html(NOT_BUILT, 503);
    // The page names the build's assets: revalidate it so a new build is picked up at once.
    return c.body(new Uint8Array(page), 200, {
      'Content-Type': 'text/html; charset=utf-8',
      'Cache-Control': 'no-cache',
      'Content-Security-Policy': policy,
      'X-Content-Type-Options': 'nosniff',
    });
  });

  app.get('/app/config.json', (c) =>
    c.body(config, 200, { 'Content-Type': 'application/json', 'Cache-Control': 'no-cache' }),
  );

  app.get('/app/:file', (c) => {
    const file = c.req.param('file');
    const body = ASSET.test(file) ? read(file) : null;
    if (!body) {
      return c.json({ error: { code: 'not-found', message: `no web asset ${file}`, details: null } }, 404);
    }
    return c.body(new Uint8Array(body), 200, {
      'Cache-Control': IMMUTABLE,
      'X-Content-Type-Options': 'nosniff',
      'Content-Type': typeOf(file),
    });
  });
}
