-- Materialized KPI history (src/scheduler): kpi_metrics keyed by (time, kpi_id, grain, dimensions), the
-- scheduler's bucket bookkeeping (leases, retries, catch-up), every run it made, and back-fill jobs.
-- The continuous aggregates kpi_hourly and kpi_daily are created by src/store/history-store.ts, which
-- falls back to plain tables where TimescaleDB has no continuous aggregates.

-- kpi_metrics of 001 was keyed (time, kpi_id): one value per KPI and instant. Now a KPI has a value per
-- bucket of its schedule's grain and per dimension combination ('{}' is the total). Rows written before
-- have no known grain: they keep the grain 'period' and are never read as history.
ALTER TABLE public.kpi_metrics ADD COLUMN IF NOT EXISTS grain TEXT NOT NULL DEFAULT 'period';
ALTER TABLE public.kpi_metrics ADD COLUMN IF NOT EXISTS computed_at TIMESTAMPTZ;
UPDATE public.kpi_metrics SET dimensions = '{}'::jsonb WHERE dimensions IS NULL;
ALTER TABLE public.kpi_metrics ALTER COLUMN dimensions SET DEFAULT '{}'::jsonb;
ALTER TABLE public.kpi_metrics ALTER COLUMN dimensions SET NOT NULL;
ALTER TABLE public.kpi_metrics ALTER COLUMN grain DROP DEFAULT;
ALTER TABLE public.kpi_metrics DROP CONSTRAINT IF EXISTS kpi_metrics_pkey;
ALTER TABLE public.kpi_metrics ADD CONSTRAINT kpi_metrics_pkey PRIMARY KEY (time, kpi_id, grain, dimensions);
CREATE INDEX IF NOT EXISTS kpi_metrics_kpi_time ON public.kpi_metrics (kpi_id, grain, time);

-- One row per (KPI, grain, bucket) the scheduler has claimed: `running` under a lease (owner, until),
-- `done` with the definitions' version vector and time zone the rows were computed with, or `failed`
-- with the next attempt's time (exponential backoff). A bucket's rows and its `done` are written in one
-- transaction, so `done` means its rows are complete.
CREATE TABLE IF NOT EXISTS kpi_store.schedule_buckets (
  kpi_id          TEXT        NOT NULL,
  grain           TEXT        NOT NULL,
  bucket_start    TIMESTAMPTZ NOT NULL,
  bucket_end      TIMESTAMPTZ NOT NULL,
  timezone        TEXT        NOT NULL,
  state           TEXT        NOT NULL CHECK (state IN ('running', 'done', 'failed')),
  version         TEXT        NOT NULL,
  owner           TEXT,
  lease_until     TIMESTAMPTZ,
  attempts        INTEGER     NOT NULL DEFAULT 0,
  next_attempt_at TIMESTAMPTZ,
  rows            INTEGER,
  updated_at      TIMESTAMPTZ NOT NULL,
  PRIMARY KEY (kpi_id, grain, bucket_start)
);

-- Every run of one bucket: what `GET /api/jobs` lists.
CREATE TABLE IF NOT EXISTS kpi_store.scheduler_runs (
  id           BIGSERIAL   PRIMARY KEY,
  kpi_id       TEXT        NOT NULL,
  grain        TEXT        NOT NULL,
  timezone     TEXT        NOT NULL,
  bucket_start TIMESTAMPTZ NOT NULL,
  bucket_end   TIMESTAMPTZ NOT NULL,
  started_at   TIMESTAMPTZ NOT NULL,
  finished_at  TIMESTAMPTZ NOT NULL,
  rows         INTEGER,
  outcome      TEXT        NOT NULL CHECK (outcome IN ('success', 'failed')),
  error        TEXT,
  trigger      TEXT        NOT NULL,
  attempt      INTEGER     NOT NULL,
  backfill_id  TEXT,
  instance     TEXT        NOT NULL
);
CREATE INDEX IF NOT EXISTS scheduler_runs_started ON kpi_store.scheduler_runs (started_at DESC, id DESC);
CREATE INDEX IF NOT EXISTS scheduler_runs_kpi ON kpi_store.scheduler_runs (kpi_id, started_at DESC);

-- Back-fill requests (POST /api/definitions/:id/backfill), run as jobs by whichever instance holds the
-- lease; an instance that dies leaves the lease to expire and another resumes the job.
CREATE TABLE IF NOT EXISTS kpi_store.backfills (
  id           TEXT        PRIMARY KEY,
  kpi_id       TEXT        NOT NULL,
  grain        TEXT        NOT NULL,
  timezone     TEXT        NOT NULL,
  range_start  TIMESTAMPTZ NOT NULL,
  range_end    TIMESTAMPTZ NOT NULL,
  buckets      INTEGER     NOT NULL,
  state        TEXT        NOT NULL CHECK (state IN ('queued', 'running', 'done', 'failed')),
  succeeded    INTEGER     NOT NULL DEFAULT 0,
  failed       INTEGER     NOT NULL DEFAULT 0,
  error        TEXT,
  owner        TEXT,
  lease_until  TIMESTAMPTZ,
  created_at   TIMESTAMPTZ NOT NULL,
  finished_at  TIMESTAMPTZ
);
