/**
 * The optimizer's golden cases, shared by the EXPLAIN goldens (optimize-golden.test.ts) and the per-rule
 * fixtures (optimize-rules.test.ts): the demo catalog and KPIs plus a few of the optimizer's own, the
 * demo rollups and one with a filter, and the rollups' state fixed here (no server).
 */
import { loadCatalog } from '../../src/catalog/load.ts';
import type { Grain, KpiIR, RowExpr } from '../../src/ir/kpi.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import type { OptimizeContext, RollupFacts } from '../../src/optimize/types.ts';
import { aggregatesOf } from '../../src/plan/nodes.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import { analyzeDsl, DEMO_KPI_FILES, loadRegistry, parseFilter } from '../../src/semantic/index.ts';

export const catalog = loadCatalog();
export const { registry } = loadRegistry(DEMO_KPI_FILES, catalog);
const extra = analyzeDsl(
  `kpi opt_avg_amount = avg(payments.subscriptions.amount)
kpi opt_amount_spread = max(payments.subscriptions.amount) - min(payments.subscriptions.amount)
kpi opt_double_amount = sum(payments.subscriptions.amount * 2)
kpi opt_accounts = count(users.accounts)
kpi opt_avg_doubled = opt_avg_amount * 2
kpi opt_avg_shared = opt_avg_doubled / (opt_avg_doubled + 1)
kpi opt_revenue_growth = growth(sum(payments.subscriptions.amount), 1 month)
kpi opt_signups_rolling_hours = rolling(count(users.accounts), 36 hours)`,
  { catalog, registry },
);
for (const k of extra.kpis ?? []) (registry as Map<string, KpiIR>).set(k.id, k);

const q = (
  kpi: string,
  grain: Grain | null,
  start: string,
  end: string,
  o: { tz?: string; dims?: string[]; where?: string } = {},
): MetricQuery => ({
  kpi,
  grain,
  range: { start, end },
  timezone: o.tz ?? 'UTC',
  dimensions: o.dims ?? [],
  filters: o.where ? [parseFilter(o.where, { catalog, registry }).expr as RowExpr] : [],
});

// A rollup with a filter: the marketing expenses, with the very condition cac_marketing's measure has.
const cacPlan = planQuery(
  registry.get('cac_marketing')!,
  q('cac_marketing', 'month', '2025-01-01', '2025-07-01'),
  {
    catalog,
    registry,
  },
);
const marketingFilter = cacPlan.root.input.inputs
  .flatMap(aggregatesOf)
  .find((a) => a.input.input.table.table === 'expenses')!.input.conditions[0]!;
const marketingDaily: RollupDef = Object.freeze<RollupDef>({
  name: 'marketing_expenses_daily',
  table: { source: 'finance', table: 'expenses' },
  grain: 'day',
  timezone: 'UTC',
  dimensions: ['channel', 'campaign'],
  measures: [{ fn: 'sum', column: 'amount' }],
  filter: marketingFilter,
});

const rollups = [...loadRollups(catalog), marketingDaily];
const ROWS: Record<string, number> = {
  subscriptions_daily: 5372,
  subscriptions_monthly_region: 146,
  expenses_daily: 995,
  accounts_daily: 1987,
  events_hourly: 44364,
  marketing_expenses_daily: 400,
};
const WATERMARK = '2026-06-30T23:59:59.001Z';
const facts = new Map<string, RollupFacts>(
  rollups.map((r) => [r.name, { watermark: WATERMARK, rows: ROWS[r.name]!, buildId: '1' }]),
);
export const context: OptimizeContext = { catalog, rollups, facts };
/** Source rows as a publish records them (scale 0.01 of the demo data), from 2024-01-01. */
const SOURCE_ROWS: Record<string, number> = {
  subscriptions_daily: 10_000,
  subscriptions_monthly_region: 10_000,
  expenses_daily: 1_000,
  accounts_daily: 2_000,
  events_hourly: 50_000,
  marketing_expenses_daily: 400,
};
/** Rows and source rows of subscriptions_daily at scale 1 (1M subscriptions). */
const SCALE_1 = { subscriptions_daily: { rows: 12_937, sourceRows: 1_000_000 } };
const withCounts = (
  watermark: string,
  over: Record<string, { rows: number; sourceRows: number }> = {},
): OptimizeContext => ({
  ...context,
  facts: new Map(
    [...facts].map(([name, f]) => [
      name,
      {
        ...f,
        watermark,
        sourceRows: SOURCE_ROWS[name]!,
        sourceStart: '2024-01-01T00:00:00.000Z',
        ...over[name],
      },
    ]),
  ),
});
const withWatermark = (watermark: string): OptimizeContext => ({
  ...context,
  facts: new Map([...facts].map(([name, f]) => [name, { ...f, watermark }])),
});
export const env = {
  TRINO_URL: 't',
  PAYMENTS_DB_URL: 'p',
  USERS_DB_URL: 'u',
  ANALYTICS_DB_URL: 'a',
  TIMESCALE_URL: 's',
};

export const CASES: [string, MetricQuery, OptimizeContext?][] = [
  [
    '01-fewest-rows-wins',
    q('revenue', 'month', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { dims: ['region'] }),
  ],
  [
    '02-dimension-not-in-rollup',
    q('revenue', 'day', '2025-03-01T00:00:00Z', '2025-03-08T00:00:00Z', { dims: ['plan_type'] }),
  ],
  [
    '03-time-zone',
    q('revenue', 'month', '2025-01-01T00:00:00Z', '2025-07-01T00:00:00Z', { tz: 'America/New_York' }),
  ],
  ['04-unaligned-range', q('revenue', 'day', '2025-03-01T06:00:00Z', '2025-03-08T00:00:00Z')],
  ['05-stale', q('revenue', 'month', '2026-06-01T00:00:00Z', '2026-08-01T00:00:00Z')],
  [
    '06-not-built',
    q('revenue', 'month', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z'),
    { ...context, facts: new Map() },
  ],
  [
    '07-composite-both-rollups-direct',
    q('cac_marketing', 'quarter', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { dims: ['channel'] }),
  ],
  [
    '08-composite-two-rollups-filtered',
    q('purchase_conversion', 'week', '2025-03-03T00:00:00Z', '2025-04-07T00:00:00Z', {
      dims: ['region'],
      where: "region = 'eu'",
    }),
  ],
  [
    '09-dimension-through-join',
    q('new_subscriptions', 'month', '2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z', { dims: ['channel'] }),
  ],
  ['10-count-distinct', q('distinct_active_accounts', 'day', '2025-01-01T00:00:00Z', '2025-01-08T00:00:00Z')],
  ['11-interval-valid', q('mrr_active', 'month', '2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z')],
  ['12-window', q('revenue_rolling_7d', 'day', '2025-01-01T00:00:00Z', '2025-01-15T00:00:00Z')],
  [
    '13-avg-decomposed',
    q('opt_avg_amount', 'month', '2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z', { dims: ['plan_type'] }),
  ],
  [
    '14-measure-not-stored',
    q('opt_amount_spread', 'year', '2025-01-01T00:00:00Z', '2026-01-01T00:00:00Z', { dims: ['region'] }),
  ],
  ['15-expression-argument', q('opt_double_amount', 'month', '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')],
  [
    '16-hour-grain',
    q('signups', 'hour', '2025-05-01T00:00:00Z', '2025-05-01T06:00:00Z', { dims: ['region'] }),
  ],
  [
    '17-hour-to-day-other-zone',
    q('signups', 'day', '2025-05-01T00:00:00Z', '2025-05-08T00:00:00Z', { tz: 'Asia/Kolkata' }),
  ],
  ['18-grain-finer-than-rollup', q('revenue', 'hour', '2025-05-01T00:00:00Z', '2025-05-02T00:00:00Z')],
  [
    '19-rollup-filter-not-implied',
    q('expenses_by_channel', 'month', '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', { dims: ['channel'] }),
  ],
  [
    '20-filtered-column-not-in-rollup',
    q('revenue', 'month', '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', { where: "channel = 'ads'" }),
  ],
  ['21-total-count-zero-fill', q('opt_accounts', null, '2025-01-01T00:00:00Z', '2025-02-01T00:00:00Z')],
  [
    '22-rollup-and-raw-through-trino',
    q('arpa', 'month', '2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z', { dims: ['region'] }),
  ],
  [
    // The source changed on 2025-02-10 (captured, or found by a refresh): that partition is being
    // re-loaded, so a range over it goes raw (both rollups that would match are rejected).
    '23-dirty-partition',
    q('revenue', 'month', '2025-01-01T00:00:00Z', '2025-03-01T00:00:00Z', { dims: ['region'] }),
    {
      ...context,
      facts: new Map(
        [...facts].map(([name, f]) => [
          name,
          name === 'subscriptions_monthly_region' || name === 'subscriptions_daily'
            ? { ...f, dirty: [['2025-02-10T00:00:00.000Z', '2025-02-11T00:00:00.000Z'] as const] }
            : f,
        ]),
      ),
    },
  ],
  [
    // The metric routes' default range, "the last 30 days including today" at day grain, with the
    // rollup built up to midnight this morning: 29 days from the rollup, today raw.
    '24-stitched-default-route-range',
    q('revenue', 'day', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z'),
    withWatermark('2026-06-30T00:00:00.000Z'),
  ],
  [
    // June straddles the watermark (June 15): its value sums a rollup piece and a raw piece.
    '25-stitched-straddling-bucket',
    q('revenue', 'month', '2026-04-10T12:00:00Z', '2026-07-01T00:00:00Z', { dims: ['region'] }),
    withWatermark('2026-06-15T00:00:00.000Z'),
  ],
  [
    '26-range-after-watermark',
    q('revenue', 'day', '2026-07-02T00:00:00Z', '2026-07-05T00:00:00Z'),
    withWatermark('2026-07-01T00:00:00.000Z'),
  ],
  [
    // avg stitches its sum and its count separately, then divides.
    '27-stitched-avg',
    q('opt_avg_amount', 'month', '2026-05-20T00:00:00Z', '2026-07-01T00:00:00Z', { dims: ['plan_type'] }),
    withWatermark('2026-06-20T00:00:00.000Z'),
  ],
  [
    // min and max re-aggregate as min of mins and max of maxes.
    '28-stitched-min-max',
    q('opt_amount_spread', null, '2026-06-10T08:00:00Z', '2026-06-25T00:00:00Z'),
    withWatermark('2026-06-20T00:00:00.000Z'),
  ],
  [
    // With recorded source rows, a rollup nearly as large as its source (expenses_daily: 995 rows for
    // 1,000 expenses; accounts_daily 1,987 for 2,000) costs more than raw: both variables stay raw.
    '29-cost-dense-rollups-stay-raw',
    q('cac_marketing', 'day', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z'),
    withCounts('2026-06-30T00:00:00.000Z'),
  ],
  [
    // Revenue with scale 1's counts (12,937 daily rows for 1M subscriptions): stitched wins.
    '30-cost-recorded-counts-stitch',
    q('revenue', 'day', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z'),
    withCounts('2026-06-30T00:00:00.000Z', SCALE_1),
  ],
  [
    // A row cost fitted to observed runtimes (calibrate.ts) that makes rollup rows dear sends it raw.
    '31-cost-calibrated-row-cost',
    q('revenue', 'day', '2026-06-01T00:00:00Z', '2026-07-01T00:00:00Z'),
    {
      ...withCounts('2026-06-30T00:00:00.000Z', SCALE_1),
      rowCost: { factor: 100, basis: 'calibrated from 12 runs' },
    },
  ],
  [
    // An avg read twice is a shared value; the rollup decomposes it, so the shared value is rewritten too.
    '32-shared-avg-decomposed',
    q('opt_avg_shared', 'month', '2025-01-01T00:00:00Z', '2025-04-01T00:00:00Z'),
  ],
  [
    // Rolling 7 days over the default route range (today until 10:00): the base series reads from 7
    // days before the range, the rollup to its watermark, today raw; the windows apply over it.
    '33-window-rolling-default-route-range',
    q('revenue_rolling_7d', 'day', '2026-06-01T00:00:00Z', '2026-06-30T10:00:00Z', { dims: ['region'] }),
    withWatermark('2026-06-30T00:00:00.000Z'),
  ],
  [
    // Cumulative from a start at 06:00: its first day is cut at the start (raw), the rest from the rollup.
    '34-window-cumulative-unaligned-start',
    q('cumulative_signups', 'day', '2026-06-03T06:00:00Z', '2026-06-10T00:00:00Z'),
    withWatermark('2026-06-30T00:00:00.000Z'),
  ],
  [
    // growth reads the month before each month: the base series spans both, from the daily rollup.
    '35-window-growth-month',
    q('opt_revenue_growth', 'month', '2026-03-01T00:00:00Z', '2026-06-15T00:00:00Z'),
    withWatermark('2026-06-01T00:00:00.000Z'),
  ],
  [
    // A window that moves by hours stays raw: engines shift hours differently across DST.
    '36-window-in-hours-stays-raw',
    q('opt_signups_rolling_hours', 'day', '2026-06-01T00:00:00Z', '2026-06-05T00:00:00Z'),
    withWatermark('2026-06-30T00:00:00.000Z'),
  ],
];
