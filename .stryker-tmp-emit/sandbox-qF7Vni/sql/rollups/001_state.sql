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
-- Change detection (see src/rollup/partitions.ts). `revision` moves whenever published data below the
-- watermark may change (partitions marked dirty, repaired, or the rollup unpublished by a source
-- reload): an answer planned on another revision is void, and cached answers that read it are dropped.
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS revision bigint NOT NULL DEFAULT 0;
-- What the source was when this build loaded it (the demo data's seed, scale and load time), when known.
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS source_identity text;
-- Why the rollup may differ from its source although its watermark is published (a source reload, a
-- failed verification); cleared by the refresh or verification that repairs it.
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS stale_reason text;
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS verified_at timestamptz;
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS checked_at timestamptz;
-- The last change-capture log id this rollup consumed (kpi rollup capture install).
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS capture_seen bigint;
-- Source rows the published rollup summarizes and the start of its first partition, recorded at every
-- publish from the partitions' fingerprints: the optimizer's cost estimate (rollup rows per source row,
-- source rows per unit of time). NULL: not recorded yet (a state written before these columns).
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS source_rows bigint;
ALTER TABLE {{schema}}.rollup_state ADD COLUMN IF NOT EXISTS source_start timestamptz;
-- One row per loaded time partition (a day, or the rollup's grain when coarser) in the rollup's zone:
-- the fingerprint of the source rows it was loaded from — row count and an order-independent checksum
-- of the time, dimension and measured columns, computed by the source engine. `dirty`: the source
-- changed there (captured, or found by a refresh) and the partition is being reloaded; the optimizer
-- does not read it meanwhile.
CREATE TABLE IF NOT EXISTS {{schema}}.rollup_partitions (
  name        text NOT NULL,
  part_start  timestamptz NOT NULL,
  part_end    timestamptz NOT NULL,
  source_rows bigint NOT NULL,
  checksum    text NOT NULL,
  dirty       boolean NOT NULL DEFAULT false,
  loaded_at   timestamptz NOT NULL DEFAULT now(),
  PRIMARY KEY (name, part_start)
);
