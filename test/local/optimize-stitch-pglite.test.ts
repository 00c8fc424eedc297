/**
 * Stitched plans answer exactly what the raw plan answers, on embedded PGlite (the TimescaleDB build)
 * with sources and rollups in one database, so both plans run single-engine in the timescale dialect.
 * The rollup tables are written here with plain SQL from the sources; then every rollup row at or after
 * its watermark and inside a dirty partition is corrupted (+1000 on every measure), so a plan that read
 * a rollup where it must not would answer wrongly. Generated ranges: unaligned starts and ends, across
 * and past the watermark, every grain, UTC and two DST zones (rollups in Europe/Berlin and
 * America/New_York too), dimensions and filters. Counts exact, other values to 1e-9. Every plan a
 * split plan can run is also run that way — each aggregate and stitch piece alone, combined in process
 * by the engine's combine (exec/combine.ts) — and must answer the same.
 */
import { readFileSync } from 'node:fs';
import type { PGlite } from '@electric-sql/pglite';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { buildCatalog, DEMO_CATALOG_PATH } from '../../src/catalog/load.ts';
import { loadDemoDataIntoPglite } from '../../src/data/load.ts';
import { chooseDialect } from '../../src/emit/choose.ts';
import { emitSql } from '../../src/emit/emit.ts';
import { timescale } from '../../src/emit/postgres.ts';
import { combineParts } from '../../src/exec/combine.ts';
import { compileSplit } from '../../src/exec/split-compile.ts';
import type { Grain, KpiIR, RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { floorBoundary } from '../../src/optimize/align.ts';
import { optimize } from '../../src/optimize/optimize.ts';
import { splitRefusal } from '../../src/optimize/split.ts';
import type { OptimizeContext, RollupFacts } from '../../src/optimize/types.ts';
import type { Plan } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { measureColumn } from '../../src/rollup/names.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';
import { createEmbeddedDb } from '../../src/store/pglite-client.ts';
import { runs } from '../property/hard-arbitraries.ts';

/** The demo catalog with every source, and the rollups, on one TimescaleDB connection. */
function oneEngineCatalog() {
  const file = JSON.parse(readFileSync(DEMO_CATALOG_PATH, 'utf8'));
  file.connections = { metrics: { engine: 'timescale', env: 'KPI_STITCH_DB', trinoCatalog: 'metrics' } };
  for (const [name, source] of Object.entries(
    file.sources as Record<string, { connection: string; schema: string }>,
  )) {
    source.connection = 'metrics';
    source.schema = name;
  }
  return buildCatalog(file);
}
const catalog = oneEngineCatalog();
const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const extra = analyzeDsl(
  `kpi opt_avg_amount = avg(payments.subscriptions.amount)
kpi opt_amount_spread = max(payments.subscriptions.amount) - min(payments.subscriptions.amount)
kpi opt_accounts = count(users.accounts)
kpi opt_subs_per_account = count(payments.subscriptions) / count(users.accounts)
kpi opt_revenue_growth = growth(sum(payments.subscriptions.amount), 1 month)
kpi opt_accounts_week_before = previous(count(users.accounts), 1 week)
kpi opt_rolling_avg_amount = rolling(avg(payments.subscriptions.amount), 30 days)
kpi opt_rolling_spread = rolling(max(payments.subscriptions.amount) - min(payments.subscriptions.amount), 14 days)
kpi opt_accounts_ytd = to_date(count(users.accounts), year)`,
  { catalog, registry },
);
for (const k of extra.kpis ?? []) (registry as Map<string, KpiIR>).set(k.id, k);

const zoned = (base: RollupDef, name: string, grain: Grain, timezone: string): RollupDef =>
  Object.freeze({ ...base, name, grain, timezone });
const demo = loadRollups(catalog);
const subsDaily = demo.find((r) => r.name === 'subscriptions_daily')!;
const accountsDaily = demo.find((r) => r.name === 'accounts_daily')!;
const rollups: RollupDef[] = [
  ...demo,
  zoned(subsDaily, 'subscriptions_daily_berlin', 'day', 'Europe/Berlin'),
  zoned(accountsDaily, 'accounts_hourly_new_york', 'hour', 'America/New_York'),
];

/** Everything before it is "loaded"; each rollup's own watermark is the bucket start at or before it. */
const WATERMARK = Date.parse('2026-03-17T00:00:00Z');
/** Partitions whose source "changed": [start, end) per rollup (a Berlin one spans its DST fall-back). */
const DIRTY: Record<string, (readonly [string, string])[]> = {
  subscriptions_daily: [['2025-06-10T00:00:00.000Z', '2025-06-12T00:00:00.000Z']],
  subscriptions_daily_berlin: [['2025-10-25T22:00:00.000Z', '2025-10-27T23:00:00.000Z']],
  accounts_daily: [['2026-01-05T00:00:00.000Z', '2026-01-06T00:00:00.000Z']],
  expenses_daily: [['2025-12-30T00:00:00.000Z', '2026-01-02T00:00:00.000Z']],
};
const watermarkOf = (r: RollupDef) => new Date(floorBoundary(WATERMARK, r.grain, r.timezone)).toISOString();

let db: PGlite;
const facts = new Map<string, RollupFacts>();

/** The rollup's rows from its source, written independently of the rollup builder. */
async function writeRollup(r: RollupDef): Promise<void> {
  const t = catalog.sources[r.table.source]!.tables[r.table.table]!;
  const from = `"${r.table.source}"."${r.table.table}"`;
  const cols = r.measures.map((m) => {
    const arg = m.column === null ? '*' : `"${m.column}"`;
    return `${m.fn}(${arg}) AS "${measureColumn(m)}"`;
  });
  const dims = r.dimensions.map((d) => `"${d}"`);
  const bucket = `date_trunc('${r.grain}', "${t.timeColumn}", '${r.timezone}')`;
  await db.exec(`CREATE TABLE kpi_rollups."${r.name}" AS SELECT ${[`${bucket} AS bucket`, ...dims, ...cols].join(', ')}
    FROM ${from} GROUP BY ${[1, ...dims.map((_, i) => i + 2)].join(', ')}`);
  // Rows a correct plan never reads: after the watermark, and inside dirty partitions.
  const wrong = r.measures.map((m) => `"${measureColumn(m)}" = "${measureColumn(m)}" + 1000`).join(', ');
  const dirty = DIRTY[r.name] ?? [];
  const where = [
    `bucket >= '${watermarkOf(r)}'`,
    ...dirty.map(([s, e]) => `(bucket >= '${s}' AND bucket < '${e}')`),
  ];
  await db.exec(`UPDATE kpi_rollups."${r.name}" SET ${wrong} WHERE ${where.join(' OR ')}`);
  const n = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM kpi_rollups."${r.name}"`)).rows[0]!
    .n;
  facts.set(r.name, { watermark: watermarkOf(r), rows: n, buildId: '1', dirty });
}

beforeAll(async () => {
  db = await createEmbeddedDb();
  await loadDemoDataIntoPglite(db, { scale: 0.005 });
  await db.exec('CREATE SCHEMA kpi_rollups');
  for (const r of rollups) await writeRollup(r);
}, 300_000);

afterAll(async () => {
  await db?.close();
});

const ctx = (): OptimizeContext => ({ catalog, rollups, facts });

interface Row {
  readonly key: string;
  readonly value: number | null;
}

async function run(p: Plan, cat = catalog): Promise<Row[]> {
  const { sql, params } = emitSql(p, timescale, cat);
  const r = await db.query<Record<string, unknown>>(
    sql,
    params.map((x) => x.value),
  );
  return r.rows.map((row) => {
    const { value, ...keys } = row;
    return {
      key: JSON.stringify({ ...keys, time: keys.time === null ? null : Number(keys.time) }),
      value: value === null ? null : Number(value),
    };
  });
}

/**
 * The plan as a split plan would run it: each aggregate and stitch piece alone (here all on the one
 * database), combined in process by the engine's own combine — pieces, join and formula.
 */
async function runSplit(p: Plan, cat: typeof catalog): Promise<Row[]> {
  const parts = compileSplit(p, cat, { KPI_STITCH_DB: 'embedded' })!;
  const results = [];
  for (const part of parts) {
    const r = await db.query<unknown[]>(
      part.sql,
      part.params.map((x) => x.value),
      { rowMode: 'array' },
    );
    results.push({ instance: part.instance, rows: r.rows });
  }
  return combineParts(p, results).map((r) => {
    const keys = Object.fromEntries(p.dimensions.map((d, i) => [d, r[i + 1]]));
    const value = r[r.length - 1];
    return {
      key: JSON.stringify({ time: r[0], ...keys }),
      value: value === null || value === undefined ? null : Number(value),
    };
  });
}

function sameValue(a: number | null, b: number | null): boolean {
  if (a === null || b === null) return a === b;
  if (Number.isInteger(a) && Number.isInteger(b)) return a === b;
  return Math.abs(a - b) <= 1e-9 * Math.max(Math.abs(a), Math.abs(b)) + 1e-9;
}

function difference(want: Row[], got: Row[]): string | null {
  const g = new Map(got.map((r) => [r.key, r.value]));
  for (const w of want) {
    if (!g.has(w.key)) return `row ${w.key} missing (raw ${w.value})`;
    if (!sameValue(w.value, g.get(w.key) ?? null))
      return `row ${w.key}: raw ${w.value}, stitched ${g.get(w.key)}`;
  }
  return got.length === want.length ? null : `${got.length} rows, raw ${want.length}`;
}

const KPIS = [
  'revenue',
  'new_subscriptions',
  'signups',
  'expenses_by_channel',
  'opt_avg_amount',
  'opt_amount_spread',
  'opt_accounts',
  'opt_subs_per_account',
  'purchase_conversion',
  'p95_subscription_amount',
  'revenue_mtd',
  // Windowed: stitched as a base series over the range their windows read, windows applied over it.
  'revenue_rolling_7d',
  'cumulative_signups',
  'opt_revenue_growth',
  'opt_accounts_week_before',
  'opt_rolling_avg_amount',
  'opt_rolling_spread',
  'opt_accounts_ytd',
];
const VALUES: Record<string, readonly string[]> = {
  region: ['eu', 'us', 'apac'],
  plan_type: ['pro', 'basic', 'enterprise'],
  channel: ['ads', 'organic', 'referral'],
};
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const FIRST = Date.parse('2024-01-01T00:00:00Z');

const queryArb = fc
  .record({
    kpi: fc.constantFrom(...KPIS),
    grain: fc.constantFrom<Grain | null>(
      null,
      'minute',
      'hour',
      'day',
      'day',
      'week',
      'month',
      'month',
      'quarter',
      'year',
    ),
    // Half the ranges end around or after the watermark (where stitching happens), half anywhere.
    nearWatermark: fc.boolean(),
    startDay: fc.integer({ min: 0, max: 880 }),
    days: fc.integer({ min: 0, max: 400 }),
    startMinutes: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    endMinutes: fc.integer({ min: 0, max: 24 * 60 - 1 }),
    aligned: fc.constantFrom(true, false, false),
    timezone: fc.constantFrom('UTC', 'UTC', 'Europe/Berlin', 'America/New_York'),
    dimPick: fc.array(fc.nat(), { maxLength: 2 }),
    filterPick: fc.option(fc.record({ dim: fc.nat(), value: fc.nat() }), { nil: null }),
  })
  .map((g): MetricQuery => {
    const kpi = registry.get(g.kpi)!;
    const maxDays = g.grain === 'minute' ? 2 : g.grain === 'hour' ? 20 : 400;
    const days = Math.min(g.days, maxDays);
    let start = g.nearWatermark ? WATERMARK - days * DAY + (g.startDay % 40) * DAY : FIRST + g.startDay * DAY;
    let end = start + days * DAY;
    if (!g.aligned) {
      start += g.startMinutes * 60_000;
      end += g.endMinutes * 60_000;
    }
    end = Math.max(end, start + HOUR);
    const dims = [
      ...new Set(g.dimPick.map((i) => kpi.dimensions[i % Math.max(1, kpi.dimensions.length)])),
    ].filter((d): d is string => typeof d === 'string');
    const filters: RowExpr[] = [];
    if (g.filterPick && kpi.dimensions.length > 0) {
      const dim = kpi.dimensions[g.filterPick.dim % kpi.dimensions.length]!;
      const values = VALUES[dim];
      const r = values
        ? parseFilter(`${dim} = '${values[g.filterPick.value % values.length]}'`, { catalog, registry })
        : null;
      if (r?.expr) filters.push(r.expr);
    }
    return {
      kpi: g.kpi,
      grain: g.grain,
      range: { start: new Date(start).toISOString(), end: new Date(end).toISOString() },
      timezone: g.timezone,
      dimensions: dims,
      filters,
    };
  });

describe('stitched plans on embedded PGlite', () => {
  it('answer exactly what the raw plan answers (generated queries, corrupted rows never read)', async () => {
    const stats = { cases: 0, stitched: 0, windowed: 0, rollupOnly: 0, zoned: 0, split: 0 };
    await fc.assert(
      fc.asyncProperty(queryArb, async (q) => {
        stats.cases++;
        const planned = planQuery(registry.get(q.kpi)!, q, { catalog, registry });
        const o = optimize(planned, ctx());
        const stitched = o.plan.root.input.inputs.some((m) => m.kind === 'stitch');
        if (stitched) stats.stitched++;
        if (o.plan.root.input.inputs.some((m) => m.kind === 'stitch' && m.over)) stats.windowed++;
        else if (o.choices.some((c) => c.chosen)) stats.rollupOnly++;
        if (stitched && q.timezone !== 'UTC') stats.zoned++;
        expect(chooseDialect(o.plan, o.catalog).dialect.name).toBe('timescale');
        const raw = await run(planned);
        const diff = difference(raw, await run(o.plan, o.catalog));
        if (diff)
          throw new Error(`${JSON.stringify(q)}\n${diff}\n${emitSql(o.plan, timescale, o.catalog).sql}`);
        // The same plan split into its pieces and combined in process answers the same.
        if (!splitRefusal(o.plan, o.catalog)) {
          stats.split++;
          const split = difference(raw, await runSplit(o.plan, o.catalog));
          if (split) throw new Error(`split: ${JSON.stringify(q)}\n${split}`);
        }
      }),
      { numRuns: runs(300), seed: Number(process.env.KPI_PROPERTY_SEED ?? 1616), endOnFailure: true },
    );
    console.log(`stitch property: ${JSON.stringify(stats)}`);
    expect(stats.stitched).toBeGreaterThanOrEqual(stats.cases / 5);
    expect(stats.zoned).toBeGreaterThan(0);
    expect(stats.windowed).toBeGreaterThanOrEqual(stats.cases / 10);
    expect(stats.split).toBeGreaterThanOrEqual(stats.cases / 3);
  }, 600_000);
});
