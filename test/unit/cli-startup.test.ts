/**
 * The `kpi` bin runs built JavaScript and loads only what a command needs: `compile` and `check` load
 * no HTTP server, database driver or TypeScript loader, and Chevrotain comes bundled (its package entry
 * would load lodash-es as hundreds of modules). Start-up time itself is measured in `npm run bench -- cli`.
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
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
    expect(ours.some((u) => /\/dist\/[0-9a-f]+\/cli\.mjs$/.test(u))).toBe(true);
    expect(ours.filter((u) => u.endsWith('.ts'))).toEqual([]);
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
