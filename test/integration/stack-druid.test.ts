/**
 * The stack's real Apache Druid (src/stack/local/druid.ts; `npm test` and `stack:up -- --with druid`
 * start it): every service answers, a native batch load with Druid's own rollup at hour grain and an HLL
 * sketch per bucket is answered by Druid SQL and by Trino's druid catalog with the numbers computed here
 * from the rows themselves, and re-loading the day replaces it (never counts it twice).
 * Skipped, with the reason, when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import { describe, expect, inject, it } from 'vitest';
import { loadStackConfig } from '../../src/config/stack-config.ts';
import { druidSql } from '../../src/exec/druid-client.ts';
import { DRUID_SERVICES, druidSqlAnswers } from '../../src/stack/local/druid.ts';
import { ingestAndWait } from './support/druid.ts';
import { trinoRows } from './support/trino.ts';

const env = inject('stackEnv');
const druidUrl = env.DRUID_URL;
const DATASOURCE = 'kpi_stack_probe';
const DAY = '2024-03-10';

interface Row {
  readonly ts: string;
  readonly region: string;
  readonly user: string;
  readonly amount_cents: number;
}

/** Deterministic rows over one day: `n` rows, three regions, a few dozen users, amounts in cents. */
function rows(n: number, salt: number): Row[] {
  return Array.from({ length: n }, (_, i) => {
    const minute = (i * 37 + salt * 11) % (24 * 60);
    const hh = String(Math.floor(minute / 60)).padStart(2, '0');
    const mm = String(minute % 60).padStart(2, '0');
    return {
      ts: `${DAY}T${hh}:${mm}:${String(i % 60).padStart(2, '0')}Z`,
      region: ['emea', 'amer', 'apac'][(i + salt) % 3]!,
      user: `u${(i * 7 + salt) % 41}`,
      amount_cents: 100 + ((i * 7919 + salt * 104729) % 99_900),
    };
  });
}

interface Figures {
  readonly count: number;
  readonly cents: number;
  readonly users: number;
}

/** The oracle: per region, from the rows, in plain code. */
function oracle(data: readonly Row[]): Map<string, Figures> {
  const by = new Map<string, { count: number; cents: number; users: Set<string> }>();
  for (const row of data) {
    const entry = by.get(row.region) ?? { count: 0, cents: 0, users: new Set<string>() };
    entry.count += 1;
    entry.cents += row.amount_cents;
    entry.users.add(row.user);
    by.set(row.region, entry);
  }
  return new Map(
    [...by].map(([region, e]) => [region, { count: e.count, cents: e.cents, users: e.users.size }]),
  );
}

/** Native batch: inline JSON rows, Druid's rollup to the hour, one day per segment, the day replaced. */
function ingestionTask(data: readonly Row[]) {
  return {
    type: 'index_parallel',
    spec: {
      dataSchema: {
        dataSource: DATASOURCE,
        timestampSpec: { column: 'ts', format: 'iso' },
        dimensionsSpec: { dimensions: ['region'] },
        metricsSpec: [
          { type: 'count', name: 'row_count' },
          { type: 'longSum', name: 'amount_cents', fieldName: 'amount_cents' },
          { type: 'HLLSketchBuild', name: 'users_hll', fieldName: 'user' },
        ],
        granularitySpec: {
          segmentGranularity: 'day',
          queryGranularity: 'hour',
          rollup: true,
          intervals: [`${DAY}/P1D`],
        },
      },
      ioConfig: {
        type: 'index_parallel',
        inputSource: { type: 'inline', data: data.map((r) => JSON.stringify(r)).join('\n') },
        inputFormat: { type: 'json' },
        appendToExisting: false,
        dropExisting: true,
      },
      tuningConfig: {
        type: 'index_parallel',
        maxNumConcurrentSubTasks: 1,
        forceGuaranteedRollup: false,
        // The task ends once the broker's historicals serve the new segments (or this runs out).
        awaitSegmentAvailabilityTimeoutMillis: 120_000,
      },
    },
  };
}

const BY_REGION = `SELECT region, SUM(row_count) AS n, SUM(amount_cents) AS cents,
  APPROX_COUNT_DISTINCT_DS_HLL(users_hll) AS users, COUNT(*) AS buckets
  FROM ${DATASOURCE} WHERE __time >= TIMESTAMP '${DAY} 00:00:00' AND __time < TIMESTAMP '${DAY} 00:00:00' + INTERVAL '1' DAY
  GROUP BY region ORDER BY region`;

async function loadAndWait(data: readonly Row[]): Promise<Array<Record<string, unknown>>> {
  // The broker's view follows the historical's announcement: wait for the loaded total, not a time.
  const total = data.length;
  return ingestAndWait(
    druidUrl!,
    ingestionTask(data),
    BY_REGION,
    (answer) => answer.reduce((sum, r) => sum + Number(r.n), 0) === total,
  );
}

function expectFigures(answer: Array<Record<string, unknown>>, expected: Map<string, Figures>): void {
  expect(answer.map((r) => r.region)).toEqual([...expected.keys()].sort());
  for (const r of answer) {
    const want = expected.get(String(r.region))!;
    expect(Number(r.n)).toBe(want.count);
    expect(Number(r.cents)).toBe(want.cents);
    // HLL is exact to within its error bound; at a few dozen values it stays within 2 %.
    expect(Math.abs(Number(r.users) - want.users)).toBeLessThanOrEqual(Math.ceil(want.users * 0.02));
  }
}

describe.skipIf(!druidUrl)('the stack runs Apache Druid', () => {
  it('has every Druid service up and answers SQL through the router (DRUID_URL)', async () => {
    const config = loadStackConfig();
    const ready = await Promise.all(DRUID_SERVICES.map((s) => s.ready(config).catch(() => false)));
    expect(Object.fromEntries(DRUID_SERVICES.map((s, i) => [s.name, ready[i]]))).toEqual(
      Object.fromEntries(DRUID_SERVICES.map((s) => [s.name, true])),
    );
    expect(await druidSqlAnswers(druidUrl!)).toBe(true);
    const health = await fetch(`${druidUrl}/status/health`);
    expect(await health.text()).toBe('true');
  });

  it('rolls a native batch load up to the hour with exact counts and cents, and a reload replaces the day', async () => {
    const first = rows(600, 1);
    expectFigures(await loadAndWait(first), oracle(first));

    // Through Trino's druid catalog (Avatica to the router): the same figures.
    const viaTrino = await trinoRows(
      env.TRINO_URL!,
      `SELECT region, sum(row_count) AS n, sum(amount_cents) AS cents FROM druid.druid.${DATASOURCE}
       WHERE __time >= TIMESTAMP '${DAY} 00:00:00' AND __time < TIMESTAMP '${DAY} 00:00:00' + INTERVAL '1' DAY
       GROUP BY region ORDER BY region`,
    );
    const firstFigures = oracle(first);
    expect(viaTrino.map((r) => [r.region, Number(r.n), Number(r.cents)])).toEqual(
      [...firstFigures]
        .sort(([a], [b]) => a.localeCompare(b))
        .map(([region, f]) => [region, f.count, f.cents]),
    );

    // Hour buckets: Druid's rollup keeps one row per (hour, region) present in the data.
    const buckets = new Set(first.map((r) => `${r.ts.slice(0, 13)}|${r.region}`)).size;
    const stored = await druidSql(druidUrl!, `SELECT COUNT(*) AS c FROM ${DATASOURCE}`);
    expect(Number(stored[0]!.c)).toBe(buckets);

    // Loading the same day again with other rows replaces it: the new figures alone, nothing doubled.
    const second = rows(250, 2);
    expectFigures(await loadAndWait(second), oracle(second));
  });
});
