/**
 * Druid stopped mid-query, on the real stack: the service (`npm start`, federated, a Druid-backed rollup
 * of the subscriptions) answers revenue from Druid; then Druid's broker is frozen with a query in
 * flight and killed — that query, and the next ones while the broker is gone, are answered from the
 * sources with the right numbers (never a wrong or partial one, never an error), and /health says
 * `degraded` with Druid's real state. A coordinator rule that has two months of the rollup unloaded
 * (published, not served: Druid SQL answers from the rest without an error) sends it to the sources
 * too. Before that, with the historical frozen (the broker holds the query), a client of /api/query
 * that goes away has the service's Druid query cancelled by its id.
 * This test restarts the shared broker and leaves it serving.
 * Skipped when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { loadStackConfig } from '../../src/config/stack-config.ts';
import { readStackEnv } from '../../src/config/stack-env.ts';
import { AVAILABILITY_TTL_MS } from '../../src/exec/druid-availability.ts';
import { cancelDruidQuery, druidSql } from '../../src/exec/druid-client.ts';
import { buildRollup } from '../../src/rollup/build.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { isAlive, runningPid } from '../../src/stack/process.ts';
import { stackUp } from '../../src/stack/up.ts';
import { postJson, type RunningService, startService } from './api-support.ts';

const stack = { ...readStackEnv(), ...(inject('stackEnv') ?? {}) } as Record<string, string>;
const ROLLUP = 'subscriptions_fault_druid';

async function waitUntil(what: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** The oracle: monthly revenue in UTC for [start, end), straight from PostgreSQL. */
async function oracle(start: string, end: string): Promise<Map<string, number>> {
  const client = new pg.Client({ connectionString: stack.PAYMENTS_DB_URL });
  await client.connect();
  try {
    const { rows } = await client.query(
      `SELECT to_char(date_trunc('month', started_at AT TIME ZONE 'UTC'), 'YYYY-MM') AS m, sum(amount)::float8 AS v
       FROM public.subscriptions WHERE started_at >= $1::timestamptz AND started_at < $2::timestamptz GROUP BY 1`,
      [start, end],
    );
    return new Map(rows.map((r) => [r.m as string, Number(r.v)]));
  } finally {
    await client.end();
  }
}

describe.skipIf(!stack.DRUID_URL)('Druid stopped mid-query', () => {
  let service: RunningService;
  let dir: string;
  let brokerPid: number | undefined;
  const history = (start: string, end: string) =>
    fetch(`${service.url}/api/metrics/revenue/history?aggregation=month&start=${start}&end=${end}`);
  const expectAsSource = async (res: Response, start: string, end: string) => {
    expect(res.status).toBe(200);
    const body = (await res.json()) as { history: { time: string; value: number | null }[] };
    const got = new Map(
      body.history.filter((r) => r.value !== null).map((r) => [r.time.slice(0, 7), r.value as number]),
    );
    const want = await oracle(start, end);
    expect([...got.keys()].sort()).toEqual([...want.keys()].sort());
    for (const [m, v] of want) expect(Math.abs(got.get(m)! - v)).toBeLessThan(0.005);
    return res.headers.get('x-data-rollups');
  };
  const health = async () =>
    (await (await fetch(`${service.url}/health`)).json()) as {
      service: string;
      storage: Record<string, string>;
      activeCalculations: number;
    };

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-druid-fault-'));
    const file = join(dir, 'rollups.json');
    writeFileSync(
      file,
      JSON.stringify({
        rollups: [
          {
            name: ROLLUP,
            on: 'payments.subscriptions',
            grain: 'day',
            target: 'druid',
            dimensions: ['region'],
            measures: ['sum(amount)', 'count(*)'],
          },
        ],
      }),
    );
    const catalog = loadCatalog();
    await buildRollup(catalog, loadRollups(catalog, file)[0]!, stack);
    // Row cost 0: the Druid rollup wins on the small test data. The service's own in-memory cache, not
    // the stack's Redis (the workers' environment has REDIS_URL): an answer cached by an earlier run
    // must not stand in for this one's.
    service = await startService({ ...stack, REDIS_URL: '', ROLLUPS_FILE: file, OPTIMIZER_ROW_COST: '0' });
    brokerPid = runningPid(loadStackConfig().stackDir, 'druid-broker');
  }, 600_000);

  afterAll(async () => {
    // Whatever happened: the broker and the historical serving again for the tests after this one.
    if (brokerPid !== undefined && isAlive(brokerPid)) process.kill(brokerPid, 'SIGCONT');
    await stackUp({ scale: 0.01, log: () => {} });
    await waitUntil(
      () =>
        druidSql(stack.DRUID_URL!, 'SELECT 1 AS ok').then(
          () => true,
          () => false,
        ),
      300_000,
    );
    await service?.stop();
    rmSync(dir, { recursive: true, force: true });
  }, 600_000);

  it('answers from the sources while Druid serves only part of the published segments', async () => {
    const rules = (body: unknown) =>
      fetch(`${stack.DRUID_URL}/druid/coordinator/v1/rules/${ROLLUP}`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify(body),
      });
    // What Druid SQL itself answers for the rollup (the figure a Druid-backed answer rests on).
    const druidTotal = async () =>
      Number(
        (await druidSql(stack.DRUID_URL!, `SELECT SUM(sum_amount) AS s FROM "druid"."${ROLLUP}"`))[0]?.s ?? 0,
      );
    const fromDruid = new RegExp(`${ROLLUP}=`);
    // Each answer over its own range (the service caches answers); the check's own answer per
    // datasource lives AVAILABILITY_TTL_MS, so a fresh one is asked once that has passed.
    let checkedAt = 0;
    const ask = async (start: string) => {
      const got = await expectAsSource(await history(start, '2024-12-01'), start, '2024-12-01');
      checkedAt = Date.now();
      return got;
    };
    const checkExpired = () => waitUntil(() => Date.now() - checkedAt > AVAILABILITY_TTL_MS, 10_000);
    const whole = await druidTotal();
    // Druid answers first.
    expect(await ask('2024-01-01')).toMatch(fromDruid);
    // The versions the rollup's rebuild overshadowed are let go first: while a historical still serves
    // them, the broker answers from those where the current version is not served.
    const overshadowed = await druidSql(
      stack.DRUID_URL!,
      `SELECT segment_id FROM sys.segments WHERE datasource = '${ROLLUP}' AND is_overshadowed = 1`,
    );
    if (overshadowed.length > 0) {
      const marked = await fetch(`${stack.DRUID_URL}/druid/coordinator/v1/datasources/${ROLLUP}/markUnused`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ segmentIds: overshadowed.map((r) => r.segment_id) }),
      });
      expect(marked.status).toBe(200);
    }
    try {
      // March and April 2024 stay published (used) but no historical may load them: the coordinator
      // has the historical unload them, and Druid SQL answers from the other months without an error.
      expect(
        (
          await rules([
            {
              type: 'loadByInterval',
              interval: '2024-03-01/2024-05-01',
              tieredReplicants: {},
              useDefaultTierForNull: false,
            },
            { type: 'loadForever', tieredReplicants: { _default_tier: 1 }, useDefaultTierForNull: true },
          ])
        ).status,
      ).toBe(200);
      await waitUntil(async () => (await druidTotal()) < whole - 0.005, 120_000);
      await checkExpired();
      // The sources answer, with the whole figure (not Druid's partial one), and the log says why.
      expect(await ask('2024-02-01')).toBeNull();
      expect(service.output()).toMatch(
        new RegExp(`Druid does not serve 2 published segment\\(s\\) of ${ROLLUP}`),
      );
    } finally {
      // The default rules again: the historical loads the two months, and Druid answers whole.
      expect((await rules([])).status).toBe(200);
      await waitUntil(async () => Math.abs((await druidTotal()) - whole) < 0.005, 120_000);
    }
    await checkExpired();
    expect(await ask('2024-03-01')).toMatch(fromDruid);
  }, 300_000);

  it('cancels the Druid query by its id when the client of /api/query goes away', async () => {
    // The historical frozen: the broker holds the query, which can end only by a cancel.
    const historical = runningPid(loadStackConfig().stackDir, 'druid-historical');
    expect(historical).toBeDefined();
    process.kill(historical!, 'SIGSTOP');
    try {
      const client = new AbortController();
      const asked = fetch(`${service.url}/api/query`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ kpi: 'revenue', grain: 'month', start: '2025-01-01', end: '2025-07-01' }),
        signal: client.signal,
      }).catch(() => null);
      await waitUntil(async () => (await health()).activeCalculations > 0, 60_000);
      client.abort();
      expect(await asked).toBeNull();
      // The calculation ends although the historical is still frozen: Druid stopped the query.
      await waitUntil(async () => (await health()).activeCalculations === 0, 60_000);
      const canceled = /query (kpi-[\w-]+) canceled on Druid/.exec(service.output());
      expect(canceled, service.output().slice(-2000)).not.toBeNull();
      expect(await cancelDruidQuery(stack.DRUID_URL!, canceled![1]!)).toBe('unknown');
    } finally {
      process.kill(historical!, 'SIGCONT');
    }
  }, 300_000);

  it('answers from the sources while Druid has no historical, and says degraded', async () => {
    // The rollup as Druid SQL answers it, every column read (the broker knows a restarted
    // historical's segments before it knows their columns again).
    const served = async () =>
      JSON.stringify(
        await druidSql(
          stack.DRUID_URL!,
          `SELECT COUNT(*) AS n, SUM(count_all) AS c, SUM(sum_amount) AS s, COUNT(DISTINCT region) AS r
           FROM "druid"."${ROLLUP}"`,
        ).catch(() => null),
      );
    const rows = await served();
    expect(rows).toMatch(/"n":[1-9]/);
    // Killed: its segments leave the broker's view once ZooKeeper drops it (its session times out).
    const historical = runningPid(loadStackConfig().stackDir, 'druid-historical');
    expect(historical).toBeDefined();
    process.kill(historical!, 'SIGKILL');
    await waitUntil(async () => (await health()).storage.druid === 'degraded', 120_000);
    expect((await health()).service).toBe('degraded');
    // Druid's router and broker still answer SQL, but not this rollup's numbers: the sources do.
    expect(
      await expectAsSource(await history('2024-07-01', '2025-01-01'), '2024-07-01', '2025-01-01'),
    ).toBeNull();
    // Started again; the next test needs Druid SQL answering the whole rollup again (real state).
    await stackUp({ scale: 0.01, log: () => {} });
    await waitUntil(async () => (await served()) === rows, 300_000);
    await waitUntil(async () => (await health()).storage.druid === 'ok', 120_000);
  }, 600_000);

  it('answers from the sources with the right numbers while Druid is gone, and says degraded', async () => {
    // Druid answers first (the rollup's version in X-Data-Rollups).
    expect(
      await expectAsSource(await history('2025-01-01', '2025-07-01'), '2025-01-01', '2025-07-01'),
    ).toMatch(new RegExp(`${ROLLUP}=`));
    expect(await health()).toMatchObject({ service: 'ok', storage: { druid: 'ok' } });
    // The service refreshes it like any rollup (what the scheduler's refresher calls): its window re-loaded.
    const refreshed = await postJson(`${service.url}/api/rollups/${ROLLUP}/refresh`, {});
    expect(refreshed.status).toBe(200);
    expect(await refreshed.json()).toMatchObject({ name: ROLLUP, materialization: 'druid' });

    // Frozen with a query in flight, then killed: the query falls back to the sources.
    expect(brokerPid).toBeDefined();
    process.kill(brokerPid!, 'SIGSTOP');
    const inFlight = history('2024-01-01', '2024-07-01');
    // Its calculation running (kpi_active_calculations counts it from the start, while it asks the
    // frozen broker whether it serves the rollup's segments, then its query; /health counts only
    // engine slots, and a failed check goes to the sources at once).
    await waitUntil(
      async () =>
        /^kpi_active_calculations [1-9]/m.test(await (await fetch(`${service.url}/metrics`)).text()),
      60_000,
    );
    process.kill(brokerPid!, 'SIGKILL');
    await waitUntil(() => !isAlive(brokerPid!), 30_000);
    expect(await expectAsSource(await inFlight, '2024-01-01', '2024-07-01')).toBeNull();

    // Gone: answered from the sources; /health shows the router up but no query running there.
    expect(
      await expectAsSource(await history('2025-07-01', '2026-01-01'), '2025-07-01', '2026-01-01'),
    ).toBeNull();
    const h = await health();
    expect(h.service).toBe('degraded');
    expect(h.storage.druid).toBe('degraded');
    expect(h.storage.timescale).toBe('ok');
  }, 300_000);
});
