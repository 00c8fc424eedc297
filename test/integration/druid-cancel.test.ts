/**
 * Druid SQL's query id, timeout and cancellation on the stack's real Druid. The historical is frozen
 * (SIGSTOP) while each query runs, so the broker holds the query waiting for it: it can end only by
 * Druid's own timeout or by a cancel — never by finishing. Checks: the query context's timeout is
 * Druid's (its own error names the query id); a caller that goes away mid-query has the query cancelled
 * by id, Druid confirms it (its answer to the query says CANCELED), and Druid no longer knows the id
 * afterwards; one that goes away at once (before the query reached the broker) too, unless the broker
 * holds the query unregistered for the client's whole 5 s. The historical is resumed after each test.
 * Skipped when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import { randomUUID } from 'node:crypto';
import { afterEach, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadStackConfig } from '../../src/config/stack-config.ts';
import { cancelDruidQuery, druidSql } from '../../src/exec/druid-client.ts';
import { runningPid } from '../../src/stack/process.ts';
import { ingestAndWait } from './support/druid.ts';

const env = inject('stackEnv');
const druidUrl = env.DRUID_URL;
const DATASOURCE = 'kpi_cancel_probe';
const DAY = '2024-05-01';
const COUNT = `SELECT COUNT(*) AS n FROM ${DATASOURCE}`;

/** A small datasource of its own, so the query needs the historical (a sys table would not). */
const task = {
  type: 'index_parallel',
  spec: {
    dataSchema: {
      dataSource: DATASOURCE,
      timestampSpec: { column: 'ts', format: 'iso' },
      dimensionsSpec: { dimensions: ['k'] },
      granularitySpec: { segmentGranularity: 'day', queryGranularity: 'none', rollup: false },
    },
    ioConfig: {
      type: 'index_parallel',
      inputSource: {
        type: 'inline',
        data: ['a', 'b', 'c'].map((k, i) => JSON.stringify({ ts: `${DAY}T0${i}:00:00Z`, k })).join('\n'),
      },
      inputFormat: { type: 'json' },
    },
    tuningConfig: { type: 'index_parallel', maxNumConcurrentSubTasks: 1 },
  },
};

let historical: number | undefined;
const freeze = () => {
  historical = runningPid(loadStackConfig().stackDir, 'druid-historical');
  expect(historical, 'the stack runs a Druid historical').toBeDefined();
  process.kill(historical!, 'SIGSTOP');
};

describe.skipIf(!druidUrl)('Druid SQL query id, timeout and cancel on the real Druid', () => {
  beforeAll(async () => {
    await ingestAndWait(druidUrl!, task, COUNT, (rows) => Number(rows[0]?.n) === 3);
  }, 600_000);

  afterEach(() => {
    if (historical !== undefined) process.kill(historical, 'SIGCONT');
    historical = undefined;
  });

  it('answers with the query id it was given, and Druid enforces the context timeout', async () => {
    expect(await druidSql(druidUrl!, COUNT, { queryId: `kpi-test-${randomUUID()}` })).toEqual([{ n: 3 }]);
    freeze();
    const queryId = `kpi-test-${randomUUID()}`;
    const error = await druidSql(druidUrl!, COUNT, { queryId, timeoutMs: 2000 }).catch((e: unknown) => e);
    // Druid's own timeout (its message names the query), not the client's backstop.
    expect(error).toMatchObject({ code: 'engine-timeout', engine: 'druid' });
    expect((error as Error).message).toContain(`Query [${queryId}] timed out`);
  }, 120_000);

  it('cancels the query by id when the caller goes away, even before it reached the broker', async () => {
    freeze();
    const caller = new AbortController();
    const queryId = `kpi-test-${randomUUID()}`;
    const running = druidSql(druidUrl!, COUNT, { queryId, timeoutMs: 600_000, signal: caller.signal });
    caller.abort(); // at once: the request may not have reached the broker yet
    const error = await running.catch((e: unknown) => e);
    expect(error).toMatchObject({ code: 'engine-canceled', engine: 'druid' });
    // Druid answered the query itself with CANCELED: it had it, and stopped it. Or — seen when another
    // test's load had the broker refreshing its metadata from the frozen historical — the broker held
    // the query before registering its id for the whole 5 s: then the client lets go and says so
    // (Druid's context timeout ends such a query).
    const { message } = error as Error;
    expect(message).toMatch(
      new RegExp(`query ${queryId} canceled (on Druid|\\(Druid did not confirm within 5000 ms\\))`),
    );
    // The historical is still frozen, so a cancelled query cannot have finished: Druid no longer holds it.
    if (message.endsWith('on Druid')) expect(await cancelDruidQuery(druidUrl!, queryId)).toBe('unknown');
  }, 120_000);

  it('cancels a query Druid is running when the caller goes away mid-query', async () => {
    freeze();
    const caller = new AbortController();
    const queryId = `kpi-test-${randomUUID()}`;
    const running = druidSql(druidUrl!, COUNT, { queryId, timeoutMs: 600_000, signal: caller.signal });
    // Another query sent after ours, and timed out by Druid after a second at the same frozen
    // historical: by then ours has (on any sane machine) been with the broker for a while.
    // (Only a delay that follows Druid, not a claim: how it ends does not matter here.)
    await druidSql(druidUrl!, COUNT, { timeoutMs: 1000 }).catch(() => undefined);
    caller.abort();
    const error = await running.catch((e: unknown) => e);
    expect((error as Error).message).toContain(`query ${queryId} canceled on Druid`);
    expect(await cancelDruidQuery(druidUrl!, queryId)).toBe('unknown');
  }, 120_000);
});
