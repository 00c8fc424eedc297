-- Rollup bookkeeping in the metrics store: one row per rollup. `watermark` is exclusive: the facts hold
-- every source row with time < watermark (loads are [previous watermark, new watermark)).
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
