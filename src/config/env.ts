/**
 * The service's configuration: every variable of the seed's "Environment Variables" section, validated
 * with zod at start. A bad value is reported by name so `npm start` can exit 1 with a clear message.
 */
import * as z from 'zod';
import { trinoConnection, trinoUrlWithCredentials } from '../exec/trino-connection.ts';
import { type HostAllowList, hostRefusal, parseHostAllowList } from '../shared/host-allow-list.ts';

const bool = z
  .enum(['true', 'false', '1', '0', 'yes', 'no'])
  .transform((v) => v === 'true' || v === '1' || v === 'yes');
const int = (min: number, max: number) => z.coerce.number().int().min(min).max(max);
const url = (protocols: readonly string[]) =>
  z
    .string()
    .url()
    .refine((v) => protocols.some((p) => v.startsWith(`${p}:`)), {
      message: `must be a ${protocols.join(' or ')} URL`,
    });
const postgresUrl = url(['postgres', 'postgresql']);
const timezone = z.string().refine(
  (tz) => {
    try {
      new Intl.DateTimeFormat('en-US', { timeZone: tz });
      return true;
    } catch {
      return false;
    }
  },
  { message: 'must be an IANA time zone such as UTC or Europe/Berlin' },
);

/** Environment variables as the seed names them; empty strings count as unset. */
export const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  PORT: int(0, 65535).default(3004),
  SERVICE_NAME: z.string().min(1).default('kpi-engine-service'),
  /** Bind address; defaults to 127.0.0.1 when auth is off, 0.0.0.0 when on. */
  HOST: z.string().min(1).optional(),

  AUTH0_DOMAIN: z
    .string()
    .regex(/^[A-Za-z0-9.-]+(:\d+)?$/, 'must be a host name such as your-tenant.auth0.com')
    .optional(),
  AUTH0_CLIENT_ID: z.string().optional(),
  AUTH0_CLIENT_SECRET: z.string().optional(),
  /** The Auth0 application (type "Single Page") the web app signs people in with; unset: tokens are pasted. */
  AUTH0_SPA_CLIENT_ID: z
    .string()
    .regex(/^[A-Za-z0-9_-]{1,128}$/, 'must be an Auth0 client id')
    .optional(),
  AUTH0_AUDIENCE: z.string().min(1).optional(),
  /** Extras for tests and self-hosted issuers: override the JWKS URL and the expected issuer. */
  AUTH0_JWKS_URL: url(['http', 'https']).optional(),
  AUTH0_ISSUER: z.string().min(1).optional(),
  AUTH_CLOCK_TOLERANCE_SECONDS: int(0, 3600).default(30),

  DRUID_URL: url(['http', 'https']).optional(),
  DRUID_DATASOURCE: z.string().min(1).default('nexpo_metrics'),
  TIMESCALE_URL: postgresUrl.optional(),
  /** Extra: connections to the metrics store (1 suits the stack's single-connection PGlite server). */
  TIMESCALE_POOL_SIZE: int(1, 100).default(1),

  REDIS_URL: url(['redis', 'rediss']).optional(),

  PAYMENTS_DB_URL: postgresUrl.optional(),
  USERS_DB_URL: postgresUrl.optional(),
  ANALYTICS_DB_URL: url(['mongodb', 'mongodb+srv']).optional(),
  /** Not in the seed's list but in DESIGN.md: the federation engine. */
  TRINO_URL: url(['http', 'https']).optional(),
  /** Extra: Trino's user and password (password authentication, over https only); win over TRINO_URL's. */
  TRINO_USER: z.string().min(1).max(256).optional(),
  TRINO_PASSWORD: z.string().min(1).max(1024).optional(),

  KAFKA_BROKERS: z
    .string()
    .regex(/^[^,\s]+(,[^,\s]+)*$/, 'must be a comma-separated list of host:port')
    .optional(),
  KAFKA_TOPIC_PREFIX: z.string().min(1).default('kpi-engine'),

  ENABLE_SCHEDULER: bool.default(false),
  SCHEDULER_TIMEZONE: timezone.default('UTC'),
  /** Extra: after downtime, missed buckets that ended within this many hours are computed (older: back-fill). */
  SCHEDULER_CATCHUP_HOURS: z.coerce.number().min(0).max(87_600).default(48),
  /** Extra: how long a bucket claimed by one instance stays its own (default 2 × QUERY_TIMEOUT_MS + 60 s). */
  SCHEDULER_LEASE_SECONDS: int(5, 86_400).optional(),
  /** Extra: a failed bucket is retried after this, doubling per attempt up to SCHEDULER_RETRY_MAX_SECONDS. */
  SCHEDULER_RETRY_BASE_SECONDS: int(1, 86_400).default(30),
  SCHEDULER_RETRY_MAX_SECONDS: int(1, 604_800).default(3_600),
  /** Extra: how often every scheduled KPI is checked for missed, failed or abandoned buckets. */
  SCHEDULER_SWEEP_SECONDS: int(1, 86_400).default(60),
  /** Extra: buckets of one KPI claimed and computed together (one lease statement, two engine queries). */
  SCHEDULER_CHUNK_BUCKETS: int(1, 10_000).default(200),

  MAX_CONCURRENT_CALCULATIONS: int(1, 10_000).default(10),
  CACHE_TTL_SECONDS: int(1, 31_536_000).default(300),
  QUERY_TIMEOUT_MS: int(1, 3_600_000).default(30_000),
  /** Extra: worker threads that analyze request-supplied KPI definitions off the event loop (0: on it). */
  LANGUAGE_WORKERS: int(0, 16).default(1),
  /** Extra: definitions that may wait for a language worker; more answer 503 busy at once. */
  LANGUAGE_QUEUE: int(1, 10_000).default(32),
  /** How often a `realtime` KPI is recomputed and pushed while anybody listens (the seed's 5 s). */
  REALTIME_INTERVAL_MS: int(100, 3_600_000).default(5_000),
  /** Extra: distinct questions streamed at once (each is one recomputation loop); more answer 503. */
  REALTIME_MAX_TOPICS: int(1, 100_000).default(200),
  /** Extra: stream subscribers (SSE and WebSocket) at once; more answer 503. */
  REALTIME_MAX_SUBSCRIBERS: int(1, 1_000_000).default(10_000),
  /** Extra: bytes a stream client may leave unread before it is dropped (event `dropped`, slow-client). */
  REALTIME_MAX_BUFFER_BYTES: int(1_024, 1_073_741_824).default(1_048_576),
  /** Extra: how often an idle stream gets a comment line, so proxies keep it open. */
  REALTIME_HEARTBEAT_MS: int(100, 3_600_000).default(15_000),
  /** Extra: where alert events (threshold level changes) are POSTed; unset: they are only stored and streamed. */
  ALERT_WEBHOOK_URL: url(['http', 'https']).optional(),
  /** Extra: the webhook's HMAC-SHA256 secret (X-KPI-Signature); unset: requests are sent unsigned. */
  ALERT_WEBHOOK_SECRET: z.string().max(1024).optional(),
  /** Extra: delivery attempts per alert event before it is recorded as failed (backoff doubles from 1 s). */
  ALERT_WEBHOOK_MAX_ATTEMPTS: int(1, 100).default(8),
  /** Extra: the pause before the first retry; it doubles with each attempt, up to 5 minutes. */
  ALERT_WEBHOOK_BACKOFF_MS: int(1, 3_600_000).default(1_000),
  /** Extra: one delivery attempt's time limit. */
  ALERT_WEBHOOK_TIMEOUT_MS: int(100, 300_000).default(10_000),
  /** Extra: hysteresis, as a fraction of a threshold: how far back past it a value must go to leave its level. */
  ALERT_HYSTERESIS: z.coerce.number().min(0).max(1).default(0.02),
  /** Extra: scheduled reports are also written to this directory (one file per run, under the report's id). */
  REPORTS_DIR: z.string().min(1).max(4096).optional(),
  /**
   * Extra: the only hosts webhooks go to (ALERT_WEBHOOK_URL, report recipients): comma-separated host
   * names or addresses, `*.example.com` for any subdomain, each optionally with `:port`; unset: any host.
   */
  WEBHOOK_HOSTS: z.string().max(10_000).optional(),
  /** Extra: HMAC-SHA256 secret signing report webhooks (X-KPI-Signature); unset: unsigned. */
  REPORT_WEBHOOK_SECRET: z.string().max(1024).optional(),
  /** Extra: after downtime, the latest scheduled report missed within this many hours is still sent. */
  REPORT_CATCHUP_HOURS: int(0, 8_760).default(24),
  /** Extra: a SQL-endpoint statement nobody polls for this long is cancelled (Trino's query.client.timeout). */
  SQL_CLIENT_TIMEOUT_SECONDS: int(1, 86_400).default(300),
  /** Extra: answer from rollups (and run single-engine queries directly) when that gives the same answer. */
  ENABLE_OPTIMIZER: bool.default(true),
  /**
   * Extra: what reading one rollup row costs in source rows, pinned (the optimizer's cost estimate);
   * unset: 2.5, then fitted to the runtimes the service observes. 0: any exact rollup plan wins.
   */
  OPTIMIZER_ROW_COST: z.coerce.number().min(0).max(1_000).optional(),
  /** Extra: the rollup definitions the optimizer may answer from (default fixtures/demo-rollups.json). */
  ROLLUPS_FILE: z.string().min(1).optional(),
  /** Extra: with ENABLE_SCHEDULER, how often built rollups load the source rows after their watermark. */
  ROLLUP_REFRESH_SECONDS: int(1, 86_400).default(300),
  /** Extra: with ENABLE_SCHEDULER, how often every built rollup is verified in full (and repaired). */
  ROLLUP_VERIFY_SECONDS: int(1, 31_536_000).default(86_400),
  /** Extra: with ENABLE_SCHEDULER, how often the change-capture logs of PostgreSQL sources are read; 0 = never. */
  ROLLUP_CAPTURE_POLL_MS: int(0, 3_600_000).default(1_000),
  /**
   * Extra: how often to re-read rollup state for builds, refreshes and repairs made by other processes
   * (cached answers that read a rollup that changed are dropped then); 0 = never.
   */
  ROLLUP_STATE_POLL_MS: int(0, 3_600_000).default(1_000),
  /** Extra: demo data scale for the embedded default (fraction of the full demo data set). */
  DEMO_SCALE: z.coerce.number().positive().max(1).default(0.01),
  /**
   * Extra: where the demo data ends (YYYY-MM-DD or an ISO instant); default the start of today (UTC).
   * The test suite pins it (vitest.config.ts), so its numbers do not move with the calendar.
   */
  DEMO_END: z
    .string()
    .regex(
      /^\d{4}-\d{2}-\d{2}([T ][0-9:.]+(Z|[+-]\d{2}:?\d{2})?)?$/,
      'must be YYYY-MM-DD or an ISO 8601 instant',
    )
    .optional(),
  /** Extra: append demo rows every DEMO_LIVE_INTERVAL_MS (embedded default only; on there by default). */
  DEMO_LIVE: bool.optional(),
  DEMO_LIVE_INTERVAL_MS: int(100, 3_600_000).default(5_000),

  /** Extra: browser origins allowed to call the API (comma-separated, or *); default below. */
  CORS_ORIGINS: z
    .string()
    .regex(
      /^(\*|https?:\/\/[^\s,/]+\/?(\s*,\s*https?:\/\/[^\s,/]+\/?)*)$/,
      'must be * or a comma-separated list of origins such as https://dash.example.com,http://localhost:5173',
    )
    .optional(),
  /** Extra: pino level (fatal, error, warn, info, debug, trace, silent). */
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  /** Extra: json (default in production) or pretty (default otherwise). */
  LOG_FORMAT: z.enum(['json', 'pretty']).optional(),
  /**
   * Where the embedded default keeps its metrics store (definitions, versions, reports) and the demo
   * sources' snapshot; relative to the working directory. Unused when TIMESCALE_URL is set.
   */
  KPI_DATA_DIR: z.string().min(1).default('.kpi-data'),
});

export type ServiceEnv = z.infer<typeof envSchema>;

export interface ServiceConfig extends ServiceEnv {
  /** embedded: everything in-process on PGlite; federated: TIMESCALE_URL and the sources are set. */
  readonly mode: 'embedded' | 'federated';
  readonly authEnabled: boolean;
  readonly host: string;
  /**
   * Browser origins the API answers CORS requests from: CORS_ORIGINS, else none in production and
   * local pages (http://localhost:*, http://127.0.0.1:*) otherwise. `*` allows any origin, without
   * credentials.
   */
  readonly corsOrigins: '*' | 'localhost' | readonly string[];
  readonly logFormat: 'json' | 'pretty';
  /** DEMO_LIVE resolved: on by default in the embedded default, never federated (its sources are yours). */
  readonly demoLive: boolean;
  /** WEBHOOK_HOSTS parsed; null: not set, any host. */
  readonly webhookHosts: HostAllowList;
}

export class ConfigError extends Error {
  constructor(readonly problems: readonly { variable: string; message: string }[]) {
    super(`invalid configuration:\n${problems.map((p) => `  ${p.variable}: ${p.message}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

/** Parses and checks the environment; throws ConfigError naming every bad variable. */
export function loadConfig(env: Readonly<Record<string, string | undefined>> = process.env): ServiceConfig {
  const raw: Record<string, string> = {};
  for (const key of Object.keys(envSchema.shape)) {
    const value = env[key];
    if (value !== undefined && value.trim() !== '') raw[key] = value.trim();
  }
  const parsed = envSchema.safeParse(raw);
  if (!parsed.success) {
    throw new ConfigError(
      parsed.error.issues.map((issue) => ({
        variable: String(issue.path[0] ?? '(environment)'),
        message: `${issue.message}${raw[String(issue.path[0])] !== undefined ? ` (got "${raw[String(issue.path[0])]}")` : ''}`,
      })),
    );
  }
  const e = parsed.data;
  const problems: { variable: string; message: string }[] = [];
  if (
    e.DEMO_END &&
    Number.isNaN(Date.parse(e.DEMO_END.length === 10 ? `${e.DEMO_END}T00:00:00Z` : e.DEMO_END))
  ) {
    problems.push({ variable: 'DEMO_END', message: `is not a real date (got "${e.DEMO_END}")` });
  }
  if (e.TRINO_URL) {
    try {
      trinoConnection(e);
    } catch (error) {
      problems.push({ variable: 'TRINO_URL', message: (error as Error).message });
    }
  } else if (e.TRINO_PASSWORD) {
    problems.push({ variable: 'TRINO_PASSWORD', message: 'is set but TRINO_URL is not' });
  }
  if (e.AUTH0_DOMAIN && !e.AUTH0_AUDIENCE) {
    problems.push({ variable: 'AUTH0_AUDIENCE', message: 'is required when AUTH0_DOMAIN is set' });
  }
  const webhookHosts = allowListOf(e, problems);
  const federated = Boolean(e.TIMESCALE_URL);
  if (problems.length > 0) throw new ConfigError(problems);
  const authEnabled = Boolean(e.AUTH0_DOMAIN);
  return Object.freeze({
    ...e,
    // Credentials travel inside TRINO_URL from here on (every Trino client takes them out again).
    TRINO_URL: trinoUrlWithCredentials(e),
    mode: federated ? 'federated' : 'embedded',
    authEnabled,
    host: e.HOST ?? (authEnabled ? '0.0.0.0' : '127.0.0.1'),
    corsOrigins:
      e.CORS_ORIGINS === '*'
        ? '*'
        : e.CORS_ORIGINS
          ? Object.freeze(e.CORS_ORIGINS.split(',').map((s) => s.trim().replace(/\/$/, '')))
          : e.NODE_ENV === 'production'
            ? Object.freeze([])
            : 'localhost',
    logFormat: e.LOG_FORMAT ?? (e.NODE_ENV === 'production' ? 'json' : 'pretty'),
    demoLive: !federated && (e.DEMO_LIVE ?? true),
    webhookHosts,
  });
}

/** WEBHOOK_HOSTS parsed, with ALERT_WEBHOOK_URL checked against it (a refusal is found at start-up). */
function allowListOf(e: ServiceEnv, problems: { variable: string; message: string }[]): HostAllowList {
  if (e.WEBHOOK_HOSTS === undefined) return null;
  try {
    const list = parseHostAllowList(e.WEBHOOK_HOSTS);
    const refusal = e.ALERT_WEBHOOK_URL ? hostRefusal(e.ALERT_WEBHOOK_URL, list) : null;
    if (refusal) problems.push({ variable: 'ALERT_WEBHOOK_URL', message: refusal });
    return list;
  } catch (error) {
    problems.push({ variable: 'WEBHOOK_HOSTS', message: (error as Error).message });
    return null;
  }
}
