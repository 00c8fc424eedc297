-- Rollup bookkeeping in the metrics store: one row per rollup. Two watermarks, both exclusive:
-- `loaded_to`: the facts hold every source row with time < loaded_to (loads are [loaded_to, new high));
-- `watermark`: published — the aggregate is refreshed up to it, so the optimizer may read below it.
-- A load commits loaded_to with its facts, refreshes the aggregate, then publishes watermark = loaded_to:
-- a reader never sees a watermark the aggregate does not yet cover. `build_id` changes on every cold
-- build (before anything is dropped), so a reader planned on an older build can tell its answer is void.
CREATE SCHEMA IF NOT EXISTS {{schema}};
CREATE TABLE IF NOT EXISTS {{schema}}.rollup_state (
  name        text PRIMARY KEY,
  definition  text NOT NULL,
  watermark   timestamptz,
  built_at    timestamptz,
  fact_rows   bigint NOT NULL DEFAULT 0,
  agg_rows    bigint NOT NULL DEFAULT 0,
  last_load_ms   double precision,
  last_refresh_ms double precision,
  materialization text NOT NULL DEFAULT 'continuous'
);
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS loaded_to timestamptz;
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS build_id bigint NOT NULL DEFAULT 0;
