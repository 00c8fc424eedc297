-- The metrics store: KPI definitions (every version kept), reports, and the seed's kpi_metrics hypertable.
-- Idempotent; applied in file-name order by src/store/migrate.ts and recorded in kpi_store.migrations.

CREATE SCHEMA IF NOT EXISTS kpi_store;

-- One row per version of a KPI. A delete is a tombstone version, so history is never lost and a
-- re-created KPI continues the numbering (ETags stay unique per KPI forever).
CREATE TABLE IF NOT EXISTS kpi_store.definitions (
  kpi_id      TEXT        NOT NULL,
  version     INTEGER     NOT NULL CHECK (version > 0),
  format      TEXT        NOT NULL CHECK (format IN ('dsl', 'json')),
  source      TEXT        NOT NULL,
  depends_on  TEXT[]      NOT NULL DEFAULT '{}',
  deleted     BOOLEAN     NOT NULL DEFAULT FALSE,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (kpi_id, version)
);

CREATE TABLE IF NOT EXISTS kpi_store.reports (
  report_id   TEXT        PRIMARY KEY,
  body        JSONB       NOT NULL,
  created_at  TIMESTAMPTZ NOT NULL DEFAULT now(),
  updated_at  TIMESTAMPTZ NOT NULL DEFAULT now()
);

-- The seed's materialized KPI values (written by the scheduler), a hypertable where TimescaleDB exists.
CREATE TABLE IF NOT EXISTS public.kpi_metrics (
  time        TIMESTAMPTZ      NOT NULL,
  kpi_id      TEXT             NOT NULL,
  value       DOUBLE PRECISION,
  dimensions  JSONB,
  PRIMARY KEY (time, kpi_id)
);

DO $$
BEGIN
  IF EXISTS (SELECT 1 FROM pg_available_extensions WHERE name = 'timescaledb') THEN
    CREATE EXTENSION IF NOT EXISTS timescaledb;
    PERFORM create_hypertable('public.kpi_metrics', 'time',
      chunk_time_interval => INTERVAL '1 day', if_not_exists => TRUE);
  END IF;
END
$$;
