/**
 * The `kpi` bin runs built JavaScript and loads only what a command needs: `compile` and `check` load
 * no HTTP server, database driver or TypeScript loader, and Chevrotain comes bundled (its package entry
 * would load lodash-es as hundreds of modules). Start-up time itself is measured in `npm run bench -- cli`.
 */
// @ts-nocheck

import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readdirSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';

const root = fileURLToPath(new URL('../../', import.meta.url));
const hook = fileURLToPath(new URL('./support/log-imports.mjs', import.meta.url));

function loaded(args: string[]): { urls: string[]; status: number | null; stdout: string } {
  const log = join(mkdtempSync(join(tmpdir(), 'kpi-imports-')), 'imports.txt');
  const r = spawnSync(process.execPath, ['--import', hook, 'bin/kpi.mjs', ...args], {
    cwd: root,
    encoding: 'utf8',
    env: { ...process.env, KPI_IMPORT_LOG: log },
    timeout: 120_000,
  });
  return { urls: readFileSync(log, 'utf8').trim().split('\n'), status: r.status, stdout: r.stdout };
}

const packageOf = (url: string) => /node_modules\/((?:@[^/]+\/)?[^/]+)/.exec(url)?.[1];
const HEAVY = [
  'pg',
  'hono',
  '@hono/node-server',
  '@hono/zod-openapi',
  'ioredis',
  'mongodb',
  '@electric-sql/pglite',
  'tsx',
  'esbuild',
  'chevrotain',
  'lodash-es',
  'pino',
  'prom-client',
];

describe('kpi start-up', () => {
  // A stale build is rebuilt by the first command (loading esbuild): build first, as npm ci does.
  beforeAll(() => {
    expect(spawnSync(process.execPath, ['scripts/build.mjs'], { cwd: root, timeout: 120_000 }).status).toBe(
      0,
    );
  });

  it('kpi compile runs built JavaScript and loads no HTTP, database or TypeScript-loader code', () => {
    const r = loaded([
      'compile',
      '--kpi',
      'cac',
      '--grain',
      'month',
      '--from',
      '2025-01-01',
      '--to',
      '2025-07-01',
    ]);
    expect(r.status).toBe(0);
    expect(r.stdout).toContain('-- dialect: trino');
    const ours = r.urls.filter((u) => u.startsWith('file:') && !u.includes('/node_modules/'));
    expect(ours.filter((u) => u.endsWith('.ts'))).toEqual([]);
    // The built script ran through its code cache: the command's first run wrote it.
    const dir = JSON.parse(readFileSync(join(root, 'dist/current.json'), 'utf8')).dir;
    expect(existsSync(join(root, 'dist', dir, 'cli-compile.v8-cache'))).toBe(true);
    const packages = [...new Set(r.urls.map(packageOf).filter(Boolean))];
    expect(packages.filter((p) => HEAVY.includes(p!))).toEqual([]);
  });

  it('kpi check loads no HTTP or database code either', () => {
    const r = loaded(['check', 'fixtures/demo-kpis.kpi']);
    expect(r.status).toBe(0);
    const packages = [...new Set(r.urls.map(packageOf).filter(Boolean))];
    expect(packages.filter((p) => HEAVY.includes(p!))).toEqual([]);
  });
});

describe('the demo KPIs cached in the build', () => {
  it('gives the same registry from the cache as from analyzing the files', async () => {
    const { demoRegistry } = await import('../../src/cli/demo-registry.ts');
    const { loadCatalog } = await import('../../src/catalog/load.ts');
    const catalog = loadCatalog();
    const build = mkdtempSync(join(tmpdir(), 'kpi-build-'));
    const before = process.env.KPI_CLI_BUILD;
    process.env.KPI_CLI_BUILD = build;
    try {
      const analyzed = await demoRegistry(catalog);
      const cached = await demoRegistry(catalog);
      expect([analyzed.origin, cached.origin]).toEqual(['analyzed', 'cache']);
      expect(cached.registry.size).toBeGreaterThan(10);
      expect([...cached.registry.keys()]).toEqual([...analyzed.registry.keys()]);
      for (const [id, kpi] of analyzed.registry) expect(cached.registry.get(id), id).toEqual(kpi);
      expect(Object.isFrozen(cached.registry.get('cac'))).toBe(true);
    } finally {
      if (before === undefined) delete process.env.KPI_CLI_BUILD;
      else process.env.KPI_CLI_BUILD = before;
    }
  });

  it('kpi compile prints the same SQL with the cache as without it', () => {
    const args = [
      'compile',
      '--kpi',
      'cac',
      '--grain',
      'month',
      '--from',
      '2025-01-01',
      '--to',
      '2025-07-01',
    ];
    const first = spawnSync(process.execPath, ['bin/kpi.mjs', ...args], { cwd: root, encoding: 'utf8' });
    const cached = spawnSync(process.execPath, ['bin/kpi.mjs', ...args], { cwd: root, encoding: 'utf8' });
    const dir = JSON.parse(readFileSync(join(root, 'dist/current.json'), 'utf8')).dir;
    // The script run directly, without bin/kpi.mjs: no KPI_CLI_BUILD, so nothing cached.
    const env = { ...process.env };
    delete env.KPI_CLI_BUILD;
    const uncached = spawnSync(process.execPath, [join(root, 'dist', dir, 'cli.cjs'), ...args], {
      cwd: root,
      encoding: 'utf8',
      env,
    });
    expect([first.status, cached.status, uncached.status]).toEqual([0, 0, 0]);
    expect(readdirSync(join(root, 'dist', dir)).some((f) => /^demo-registry-[0-9a-f]+\.json$/.test(f))).toBe(
      true,
    );
    expect(cached.stdout).toContain('-- dialect: trino');
    expect(cached.stdout).toBe(uncached.stdout);
    expect(first.stdout).toBe(uncached.stdout);
  });
});
