/**
 * The API documentation works offline and lints clean: /docs loads Swagger UI from the service itself
 * (the swagger-ui-dist package), never a CDN; /openapi.json passes `@redocly/cli lint` (its recommended
 * rules) with no error and no warning; the grammar's syntax-diagram page is served self-contained.
 */
// @ts-nocheck

import { execFileSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type Harness, harness } from './api-support.ts';

const root = fileURLToPath(new URL('../../', import.meta.url));
const redocly = join(root, 'node_modules/@redocly/cli/bin/cli.js');

describe('API documentation', () => {
  let h: Harness;
  beforeAll(async () => {
    h = await harness();
  }, 120_000);
  afterAll(async () => h.close());

  it('/docs references only the service itself, and every asset it references is served', async () => {
    const page = await (await h.app.request('/docs')).text();
    expect(page).not.toMatch(/(src|href)="https?:/);
    const assets = [...page.matchAll(/(?:src|href)="(\/[^"]+)"/g)].map((m) => m[1]!);
    expect(assets).toEqual(
      expect.arrayContaining([
        '/docs/assets/swagger-ui.css',
        '/docs/assets/swagger-ui-bundle.js',
        '/docs/assets/init.js',
      ]),
    );
    for (const asset of assets.filter((a) => a.startsWith('/docs/'))) {
      const res = await h.app.request(asset);
      expect({ asset, status: res.status }).toEqual({ asset, status: 200 });
      expect(res.headers.get('content-type')).toMatch(/^text\/(css|javascript)/);
    }
    const bundle = await (await h.app.request('/docs/assets/swagger-ui-bundle.js')).text();
    expect(bundle.length).toBeGreaterThan(500_000);
    expect(bundle).toContain('SwaggerUIBundle');
    expect(await (await h.app.request('/docs/assets/init.js')).text()).toContain("url: '/openapi.json'");
  });

  it('serves nothing else from node_modules (no path tricks)', async () => {
    for (const path of [
      '/docs/assets/package.json',
      '/docs/assets/..%2F..%2Fpackage.json',
      '/docs/assets/%2e%2e%2fpackage.json',
      '/docs/assets/index.html',
    ]) {
      expect({ path, status: (await h.app.request(path)).status }).toEqual({ path, status: 404 });
    }
  });

  it('/docs/grammar is the self-contained syntax-diagram page', async () => {
    const res = await h.app.request('/docs/grammar');
    expect(res.status).toBe(200);
    const page = await res.text();
    expect(page).toContain('drawDiagramsFromSerializedGrammar');
    expect(page).not.toMatch(/<script[^>]+src=/);
  });

  it('/openapi.json lints clean with @redocly/cli: operationIds, servers, license, tag descriptions', async () => {
    const doc = await (await h.app.request('/openapi.json')).json();
    const ids = Object.values(doc.paths as Record<string, Record<string, { operationId: string }>>).flatMap(
      (ops) => Object.values(ops).map((o) => o.operationId),
    );
    expect(new Set(ids).size).toBe(ids.length);
    expect(ids).toContain('getMetricsHistory');
    // Where .redocly.lint-ignore.yaml (repository root) expects it: its one known exception is /health.
    const file = join(root, '.tmp-openapi', 'openapi.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, JSON.stringify(doc));
    let output: string;
    try {
      output = execFileSync(
        process.execPath,
        [redocly, 'lint', '.tmp-openapi/openapi.json', '--format', 'json'],
        {
          cwd: root,
          encoding: 'utf8',
          env: { ...process.env, REDOCLY_TELEMETRY: 'off', REDOCLY_SUPPRESS_UPDATE_NOTICE: 'true' },
          stdio: ['ignore', 'pipe', 'pipe'],
        },
      );
    } catch (error) {
      output = (error as { stdout: string }).stdout;
    }
    const report = JSON.parse(output) as {
      totals: { errors: number; warnings: number };
      problems: { ruleId: string; message: string; location: { pointer: string }[] }[];
    };
    const problems = report.problems.map((p) => `${p.ruleId} ${p.location[0]?.pointer}: ${p.message}`);
    expect(problems).toEqual([]);
    expect(report.totals).toMatchObject({ errors: 0, warnings: 0 });
  }, 120_000);
});
