/**
 * The embedded demo sources run on a worker thread: a long statement leaves the main thread's event loop
 * free, and aborting it (QUERY_TIMEOUT_MS) restarts the worker from its snapshot on the same URL, so the
 * statement really stops and the next query is answered. Real PGlite, the real runPostgres path.
 */
// @ts-nocheck

import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DemoDataSet } from '../../src/data/generate.ts';
import { DEMO_DATA } from '../../src/data/settings.ts';
import { DataDirInUseError, openDataDir } from '../../src/embedded/data-dir.ts';
import { EmbeddedSources } from '../../src/embedded/sources-engine.ts';
import { EngineError } from '../../src/exec/errors.ts';
import { PgPools, runPostgres, SINGLE_CONNECTION_SERVER } from '../../src/exec/postgres-run.ts';

const SCALE = 0.002;

/** The longest gap between ticks of a 20 ms interval while `work` runs: how long the event loop was blocked. */
async function longestStall<T>(
  work: Promise<T>,
): Promise<{ stallMs: number; result: PromiseSettledResult<T> }> {
  let last = performance.now();
  let stallMs = 0;
  const timer = setInterval(() => {
    const now = performance.now();
    stallMs = Math.max(stallMs, now - last);
    last = now;
  }, 20);
  const [result] = await Promise.allSettled([work]);
  clearInterval(timer);
  return { stallMs, result: result! };
}

describe('the embedded sources on a worker thread', () => {
  let root: string;
  let sources: EmbeddedSources;
  let pools: PgPools;
  const logs: string[] = [];
  beforeAll(async () => {
    root = mkdtempSync(join(tmpdir(), 'kpi-sources-'));
    const dir = openDataDir(root);
    sources = await EmbeddedSources.start({
      scale: SCALE,
      end: DEMO_DATA.end,
      snapshot: dir.snapshot,
      log: (l) => logs.push(l),
    });
    pools = new PgPools(() => SINGLE_CONNECTION_SERVER);
  });
  afterAll(async () => {
    await pools?.close();
    await sources?.close();
    rmSync(root, { recursive: true, force: true });
  });

  const count = async (table: string) =>
    Number(
      (await runPostgres(pools, sources.url, `SELECT count(*) FROM ${table}`, [], { engine: 'embedded' }))
        .rows[0]![0],
    );

  it('serves the demo data generated on first start', async () => {
    expect(logs.join('\n')).toMatch(/demo data generated/);
    expect(await count('payments.subscriptions')).toBe(
      new DemoDataSet({ scale: SCALE }).counts.subscriptions,
    );
  });

  it('keeps the event loop free during a long statement and stops it on abort, then answers again', async () => {
    const url = sources.url;
    const abort = new AbortController();
    const started = performance.now();
    // Minutes of work for PGlite, which enforces no statement_timeout: only the restart stops it.
    const slow = runPostgres(
      pools,
      url,
      'SELECT count(*) FROM generate_series(1, 2000000000) AS a(i) WHERE i % 7 = 3',
      [],
      { engine: 'embedded', timeoutMs: 500, signal: abort.signal, interrupt: () => sources.interrupt() },
    );
    setTimeout(() => abort.abort(), 1_500);
    const { stallMs, result } = await longestStall(slow);
    const failedAfterMs = performance.now() - started;
    expect(result.status).toBe('rejected');
    expect((result as PromiseRejectedResult).reason).toBeInstanceOf(EngineError);
    // On the main thread the statement would block every timer (the abort's too) for its whole run,
    // tens of minutes; here the loop never stalls as long as the abort's delay, and the abort stops it.
    expect(stallMs).toBeLessThan(1_500);
    expect(failedAfterMs).toBeLessThan(60_000);
    // The statement died with its worker; a fresh one serves the same data on the same URL.
    while (sources.restarts === 0) await new Promise((r) => setTimeout(r, 100));
    expect(sources.url).toBe(url);
    expect(await count('users.accounts')).toBe(new DemoDataSet({ scale: SCALE }).counts.accounts);
    expect(logs.join('\n')).toMatch(/ready in \d+ ms \(from the snapshot\)/);
  });
});

describe('the data folder lock', () => {
  it('refuses a folder held by a live process or opened already, and takes over one left by a dead process', () => {
    const root = mkdtempSync(join(tmpdir(), 'kpi-lock-'));
    try {
      writeFileSync(join(root, 'kpi-engine.pid'), `${process.ppid} other`);
      expect(() => openDataDir(root)).toThrow(DataDirInUseError);
      writeFileSync(join(root, 'kpi-engine.pid'), '999999999 dead');
      const dir = openDataDir(root);
      expect(dir.storeDir).toBe(join(root, 'store'));
      // Two services of one process on one folder would corrupt PGlite just the same.
      expect(() => openDataDir(root)).toThrow(DataDirInUseError);
      dir.release();
      openDataDir(root).release();
    } finally {
      rmSync(root, { recursive: true, force: true });
    }
  });
});
