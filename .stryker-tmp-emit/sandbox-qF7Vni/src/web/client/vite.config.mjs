/**
 * Vite's configuration for the web app, used by the build (scripts/build.mjs, with `build.outDir` set to
 * `dist/<stamp>/web/`) and by `npm run web:dev` (Vite's dev server with hot reload, its API calls proxied
 * to a running service at KPI_DEV_API, default http://127.0.0.1:3004).
 *
 * The app is served under `/app/` by the service (src/web/serve.ts), its page at `/`: every built file
 * lands flat in one folder with a content hash in its name, so the service can let browsers keep them
 * for good and only the page is revalidated.
 */
// @ts-nocheck

import { fileURLToPath } from 'node:url';

const here = fileURLToPath(new URL('.', import.meta.url));
const api = process.env.KPI_DEV_API ?? 'http://127.0.0.1:3004';

/** @type {import('vite').UserConfig} */
export default {
  root: here,
  base: '/app/',
  // The app has no static files to copy; everything is imported by the code or the page.
  publicDir: false,
  logLevel: 'warn',
  clearScreen: false,
  build: {
    target: 'es2022',
    sourcemap: true,
    // One flat folder: /app/<name>-<hash>.<ext> (src/web/serve.ts serves nothing else).
    assetsDir: '',
    // The page's policy allows no inline script, and every browser the app supports preloads modules.
    modulePreload: { polyfill: false },
    reportCompressedSize: false,
    rolldownOptions: {
      output: {
        entryFileNames: 'app-[hash].js',
        chunkFileNames: 'chunk-[hash].js',
        assetFileNames: '[name]-[hash][extname]',
      },
    },
  },
  server: {
    host: '127.0.0.1',
    // The page lives at `/` in the service; in the dev server it is at /app/, and every API route and
    // the service's own pages (/docs, /openapi.json) go to the running service.
    proxy: Object.fromEntries(
      ['/api', '/docs', '/openapi.json', '/health', '/app/config.json'].map((path) => [
        path,
        { target: api, changeOrigin: true, ws: path === '/api' },
      ]),
    ),
  },
};
