/** Request and response schemas: they validate input and generate /openapi.json from one source. */
import { z } from '@hono/zod-openapi';
import { GRAINS } from '../ir/kpi.ts';
import { LIMITS } from '../ir/limits.ts';
import { isTimeZone } from '../shared/time.ts';
import { strictObject } from './strict-params.ts';

export const ErrorSchema = z
  .object({
    error: z.object({
      code: z.string().openapi({ example: 'not-found' }),
      message: z.string(),
      details: z.unknown().nullable(),
    }),
  })
  .openapi('Error');

export const errorResponses = (...statuses: number[]) =>
  Object.fromEntries(
    statuses.map((s) => [
      s,
      { description: 'error', content: { 'application/json': { schema: ErrorSchema } } },
    ]),
  );

export const KpiIdParam = z.object({
  kpiId: z
    .string()
    .max(LIMITS.MAX_ID_CHARS, `KPI ids have at most ${LIMITS.MAX_ID_CHARS} characters (MAX_ID_CHARS)`)
    .regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'KPI ids are identifiers: letters, digits and _')
    .openapi({ param: { name: 'kpiId', in: 'path' }, example: 'mrr' }),
});

export const ReportIdParam = z.object({
  reportId: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,100}$/)
    .openapi({ param: { name: 'reportId', in: 'path' }, example: 'weekly-revenue' }),
});

/** DSL as `{dsl}`, or the seed's KPIDefinition (validated in depth by the language layer), or a list. */
export const DefinitionBody = z
  .union([
    z.object({ dsl: z.string().min(1) }).openapi('DslDefinition'),
    z.array(z.record(z.string(), z.unknown())),
    z.record(z.string(), z.unknown()).openapi('KPIDefinition'),
  ])
  .openapi({
    example: {
      id: 'mrr',
      name: 'Monthly Recurring Revenue',
      category: 'business',
      description: 'Total monthly recurring revenue from subscriptions',
      formula: {
        type: 'simple',
        expression: 'SUM(subscription_amount)',
        variables: [
          {
            name: 'subscription_amount',
            source: { database: 'payments', table: 'subscriptions', column: 'amount', aggregation: 'sum' },
          },
        ],
      },
      aggregations: ['day', 'week', 'month'],
      dimensions: ['plan_type', 'region'],
    },
  });

export const DefinitionSchema = z
  .object({
    id: z.string(),
    name: z.string(),
    category: z.string(),
    description: z.string(),
    version: z.number().int(),
    format: z.enum(['dsl', 'json']),
    dsl: z.string().openapi({ description: 'The definition printed as KPI DSL' }),
    definition: z.unknown().openapi({ description: 'The KPIDefinition as submitted (JSON format only)' }),
    dimensions: z.array(z.string()),
    aggregations: z.array(z.string()),
    dependsOn: z.array(z.string()),
    createdAt: z.string(),
    thresholds: z
      .object({
        warning: z.object({ op: z.enum(['>', '>=', '<', '<=']), value: z.number() }).optional(),
        critical: z.object({ op: z.enum(['>', '>=', '<', '<=']), value: z.number() }).optional(),
      })
      .optional()
      .openapi({ description: 'Alert levels: the value is in that state when `value op threshold` holds' }),
    displayFormat: z
      .string()
      .optional()
      .openapi({ description: 'How to show values: currency, percent, number' }),
    schedule: z
      .object({ frequency: z.string(), timezone: z.string().optional() })
      .optional()
      .openapi({ description: 'Materialization schedule; frequency realtime streams updates' }),
  })
  .openapi('Definition');

const csv = z
  .union([z.string(), z.array(z.string())])
  .optional()
  .transform((v) =>
    v === undefined
      ? undefined
      : (Array.isArray(v) ? v : [v])
          .flatMap((s) => s.split(','))
          .map((s) => s.trim())
          .filter(Boolean),
  );

const METRIC_QUERY_SHAPE = {
  start: z.string().optional().openapi({
    description: 'Inclusive start: YYYY-MM-DD (midnight in tz) or ISO date-time',
    example: '2025-01-01',
  }),
  end: z.string().optional().openapi({ description: 'Exclusive end', example: '2025-04-01' }),
  tz: z
    .string()
    .optional()
    .openapi({ description: 'IANA time zone for buckets and bare dates', example: 'UTC' }),
  dimensions: csv.openapi({
    type: 'string',
    description: 'Comma-separated dimension names',
    example: 'region',
  }),
  filters: z
    .string()
    .optional()
    .openapi({ description: `JSON object {"region":"eu"} or DSL filter text region = 'eu'` }),
  aggregation: z
    .enum(GRAINS as [string, ...string[]])
    .optional()
    .openapi({ description: 'Time grain (history)' }),
};

export const MetricQueryParams = strictObject(METRIC_QUERY_SHAPE);

/** The value route's parameters, plus where a reconnecting client left off. */
export const StreamQueryParams = strictObject({
  ...METRIC_QUERY_SHAPE,
  lastEventId: z.coerce.number().int().nonnegative().optional().openapi({
    description:
      'The id of the last event received (as the Last-Event-ID header, for clients that cannot send it): the events missed since are sent first',
  }),
});

export const MetricResponseSchema = z
  .object({
    kpiId: z.string(),
    name: z.string(),
    value: z.number().nullable(),
    trend: z.object({ direction: z.enum(['up', 'down', 'stable']), percentage: z.number() }),
    previousValue: z.number().nullable(),
    range: z.object({ start: z.string(), end: z.string() }),
    timezone: z.string(),
    computedAt: z.string(),
  })
  .openapi('MetricResponse');

export const QueryBody = strictObject({
  kpi: z.string().optional().openapi({ description: 'Id of a stored KPI' }),
  dsl: z.string().optional().openapi({ description: 'Ad-hoc KPI DSL (not stored); the last KPI is queried' }),
  definition: z.unknown().optional().openapi({ description: 'Ad-hoc seed KPIDefinition (not stored)' }),
  grain: z
    .enum(GRAINS as [string, ...string[]])
    .nullable()
    .optional(),
  start: z.string().optional(),
  end: z.string().optional(),
  timezone: z.string().optional(),
  dimensions: z.array(z.string()).optional(),
  filters: z.union([z.string(), z.record(z.string(), z.unknown())]).optional(),
})
  .refine((b) => [b.kpi, b.dsl, b.definition].filter((x) => x !== undefined).length === 1, {
    message: 'give exactly one of kpi, dsl, definition',
  })
  .openapi('AdHocQuery');

/** HH:MM on a 24-hour clock: 00:00–23:59. */
const TIME_OF_DAY = /^([01]\d|2[0-3]):[0-5]\d$/;

export const ReportBody = strictObject({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,100}$/),
  name: z.string().min(1).max(LIMITS.MAX_NAME_CHARS),
  description: z.string().max(10_000).optional(),
  kpis: z
    .array(z.string().max(LIMITS.MAX_ID_CHARS))
    .min(1)
    .max(
      LIMITS.MAX_QUERIES_PER_REQUEST,
      `a report runs one query per KPI; at most ${LIMITS.MAX_QUERIES_PER_REQUEST} (MAX_QUERIES_PER_REQUEST)`,
    ),
  schedule: strictObject({
    frequency: z.enum(['daily', 'weekly', 'monthly']),
    time: z.string().regex(TIME_OF_DAY, 'time is HH:MM between 00:00 and 23:59'),
    timezone: z.string().refine(isTimeZone, 'timezone is not an IANA time zone (e.g. Europe/Berlin)'),
    recipients: z.array(z.string().max(320)).max(100),
  }).optional(),
  format: z.enum(['dashboard', 'pdf', 'csv', 'json']),
  filters: z.record(z.string(), z.unknown()).optional(),
}).openapi('Report');

export const HealthSchema = z
  .object({
    service: z.enum(['ok', 'degraded', 'down']),
    storage: z.record(z.string(), z.enum(['ok', 'degraded', 'down', 'not_configured'])),
    scheduler: z.enum(['ok', 'stopped', 'disabled']),
    activeCalculations: z.number().int(),
  })
  .openapi('Health');
