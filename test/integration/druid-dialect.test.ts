/**
 * The druid dialect on the stack's real Druid: KPI queries over a Druid datasource (raw rows across the
 * 2025 DST changes of Berlin and New York) compiled to Druid SQL — TIME_FLOOR in the query's zone, ISO
 * weeks, dimensions, filters, ratios, exact COUNT(DISTINCT), the HLL estimate — give the numbers of a
 * hand-written PostgreSQL oracle over the same rows (counts exact, sums to the cent).
 * Skipped when the stack runs without Druid (KPI_WITH_DRUID=0).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { buildCatalog } from '../../src/catalog/load.ts';
import { druid } from '../../src/emit/druid.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { druidParameters, druidSql, submitDruidTask, waitForDruidTask } from '../../src/exec/druid-client.ts';
import type { Grain } from '../../src/ir/kpi.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { analyzeFormula, parseFilter } from '../../src/semantic/index.ts';

const env = inject('stackEnv');
const druidUrl = env.DRUID_URL;
const DATASOURCE = 'kpi_dialect_probe';

interface Row {
  readonly ts: string;
  readonly region: string;
  readonly user: string;
  readonly amount_cents: number;
}

/** Rows every 37 minutes over two weeks around each 2025 DST change (EU: Mar 30, Oct 26; US: Mar 9, Nov 2). */
function rows(): Row[] {
  const out: Row[] = [];
  const spans = [
    ['2025-03-03T00:00:00Z', '2025-04-06T00:00:00Z'],
    ['2025-10-20T00:00:00Z', '2025-11-10T00:00:00Z'],
  ] as const;
  let i = 0;
  for (const [from, to] of spans) {
    for (let t = Date.parse(from); t < Date.parse(to); t += 37 * 60_000) {
      out.push({
        ts: new Date(t).toISOString(),
        region: ['emea', 'amer', 'apac', 'latam'][i % 4]!,
        user: `u${(i * 13) % 97}`,
        amount_cents: 100 + ((i * 7919) % 49_900),
      });
      i += 1;
    }
  }
  return out;
}

const catalog = buildCatalog({
  connections: { druid: { engine: 'druid', env: 'DRUID_URL', trinoCatalog: 'druid' } },
  sources: {
    probe: {
      connection: 'druid',
      schema: 'druid',
      tables: {
        [DATASOURCE]: {
          primaryKey: '__time',
          timeColumn: '__time',
          columns: { __time: 'timestamp', region: 'string', user: 'string', amount_cents: 'bigint' },
          joins: [],
        },
      },
    },
  },
});

const ref = `probe.${DATASOURCE}`;
const FORMULAS = {
  revenue: { dsl: `sum(${ref}.amount_cents)`, oracle: 'sum(amount_cents)' },
  orders: { dsl: `count(${ref}.user)`, oracle: 'count(user_id)' },
  buyers: { dsl: `count_distinct(${ref}.user)`, oracle: 'count(DISTINCT user_id)' },
  per_order: {
    dsl: `sum(${ref}.amount_cents) / count(${ref}.user)`,
    oracle: 'CAST(sum(amount_cents) AS double precision) / count(user_id)',
  },
} as const;

async function runDruid(
  formula: keyof typeof FORMULAS,
  grain: Grain,
  timezone: string,
  dimensions: string[],
  where: string | null,
): Promise<string[]> {
  const registry = new Map();
  const analyzed = analyzeFormula(FORMULAS[formula].dsl, { catalog, registry });
  expect(analyzed.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  const kpi = analyzed.kpis[0]!;
  const filters = where ? [parseFilter(where, { catalog, registry }).expr!] : [];
  const plan = planQuery(
    kpi,
    {
      kpi: kpi.id,
      grain,
      range: { start: '2025-03-01T00:00:00Z', end: '2025-11-15T00:00:00Z' },
      timezone,
      dimensions,
      filters,
    },
    { catalog, registry: new Map([[kpi.id, kpi]]) },
  );
  const { sql, params } = emitSql(plan, druid, catalog);
  const answer = await druidSql(druidUrl!, sql, { parameters: druidParameters(params) });
  return answer.map((r) =>
    line(
      Number(r.time),
      dimensions.map((d) => String(r[d])),
      r.value,
    ),
  );
}

const line = (time: number, dims: string[], value: unknown) =>
  `${new Date(time).toISOString()} ${dims.join(' ')} ${value === null ? 'null' : Number(Number(value).toFixed(6))}`;

describe.skipIf(!druidUrl)('the druid dialect on the real Druid', () => {
  let client: pg.Client;

  beforeAll(async () => {
    const data = rows();
    // The oracle's copy: a temporary table of the stack's PostgreSQL (gone when the session ends).
    client = new pg.Client({ connectionString: env.PAYMENTS_DB_URL });
    await client.connect();
    await client.query(
      'CREATE TEMP TABLE probe (ts timestamptz, region text, user_id text, amount_cents bigint)',
    );
    await client.query(
      `INSERT INTO probe SELECT * FROM jsonb_to_recordset($1::jsonb) AS r(ts timestamptz, region text, "user" text, amount_cents bigint)`,
      [JSON.stringify(data)],
    );
    const task = await submitDruidTask(druidUrl!, {
      type: 'index_parallel',
      spec: {
        dataSchema: {
          dataSource: DATASOURCE,
          timestampSpec: { column: 'ts', format: 'iso' },
          dimensionsSpec: { dimensions: ['region', 'user', { type: 'long', name: 'amount_cents' }] },
          granularitySpec: { segmentGranularity: 'month', queryGranularity: 'none', rollup: false },
        },
        ioConfig: {
          type: 'index_parallel',
          inputSource: { type: 'inline', data: data.map((r) => JSON.stringify(r)).join('\n') },
          inputFormat: { type: 'json' },
          appendToExisting: false,
        },
        tuningConfig: {
          type: 'index_parallel',
          maxNumConcurrentSubTasks: 1,
          awaitSegmentAvailabilityTimeoutMillis: 120_000,
        },
      },
    });
    await waitForDruidTask(druidUrl!, task, { timeoutMs: 300_000 });
    // Served once the broker counts every row (the segments' announcement can trail the task).
    const deadline = Date.now() + 120_000;
    for (;;) {
      const [r] = await druidSql(druidUrl!, `SELECT COUNT(*) AS n FROM "${DATASOURCE}"`).catch(() => [
        { n: -1 },
      ]);
      if (Number(r?.n) === data.length) break;
      if (Date.now() > deadline) throw new Error(`Druid serves ${r?.n} of ${data.length} rows`);
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }, 600_000);

  afterAll(async () => {
    await client?.end();
  });

  async function runOracle(
    formula: keyof typeof FORMULAS,
    grain: Grain,
    timezone: string,
    dimensions: string[],
    where: string | null,
  ): Promise<string[]> {
    const dims = dimensions.map((d) => `, ${d}`).join('');
    const sql = `SELECT date_trunc('${grain}', ts, '${timezone}') AS b${dims}, ${FORMULAS[formula].oracle} AS v
      FROM probe WHERE ts >= '2025-03-01T00:00:00Z' AND ts < '2025-11-15T00:00:00Z'${where ? ` AND ${where}` : ''}
      GROUP BY 1${dimensions.map((_, i) => `, ${i + 2}`).join('')} ORDER BY 1${dimensions.map((_, i) => `, ${i + 2}`).join('')}`;
    const result = await client.query(sql);
    return result.rows.map((r) =>
      line(
        new Date(r.b).getTime(),
        dimensions.map((d) => String(r[d])),
        r.v,
      ),
    );
  }

  const cases: Array<[keyof typeof FORMULAS, Grain, string, string[], string | null]> = [
    ['revenue', 'day', 'Europe/Berlin', [], null],
    ['revenue', 'hour', 'America/New_York', [], null],
    ['orders', 'week', 'UTC', ['region'], null],
    ['buyers', 'month', 'Europe/Berlin', ['region'], null],
    ['revenue', 'day', 'America/New_York', ['region'], null],
    ['revenue', 'month', 'UTC', [], "region = 'emea'"],
  ];

  it.each(cases)(
    '%s by %s in %s by %j where %s equals the PostgreSQL oracle',
    async (f, grain, tz, dims, where) => {
      expect(await runDruid(f, grain, tz, dims, where)).toEqual(await runOracle(f, grain, tz, dims, where));
    },
  );

  it('refuses a formula over several measures at compile time (Druid cannot union aggregated subqueries)', async () => {
    await expect(runDruid('per_order', 'day', 'UTC', [], null)).rejects.toThrow(
      /a formula over 2 measures cannot be expressed in the druid dialect/,
    );
  });

  it('estimates distinct users from the HLL sketch within 2 % of the exact count', async () => {
    const [r] = await druidSql(
      druidUrl!,
      `SELECT APPROX_COUNT_DISTINCT_DS_HLL("user") AS est, COUNT(DISTINCT "user") AS exact FROM "${DATASOURCE}"`,
    );
    const exact = Number((await client.query('SELECT count(DISTINCT user_id) AS n FROM probe')).rows[0].n);
    expect(Number(r!.exact)).toBe(exact);
    expect(Math.abs(Number(r!.est) - exact)).toBeLessThanOrEqual(Math.ceil(exact * 0.02));
  });
});
