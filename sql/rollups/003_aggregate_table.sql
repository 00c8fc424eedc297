-- Fallback when the store cannot create a continuous aggregate (a TimescaleDB without its TSL module:
-- the Apache-licensed builds, or the embedded PGlite build once its data directory was reopened — it has
-- them only in the session that created the extension): a plain table with the same columns, refreshed
-- by the engine with 005_refresh_table.sql.
CREATE TABLE IF NOT EXISTS {{schema}}.{{name}} AS
SELECT time_bucket({{interval}}, ts, {{timezone}}) AS bucket{{dimension_select}}{{measure_select}}
FROM {{schema}}.{{facts}}
GROUP BY time_bucket({{interval}}, ts, {{timezone}}){{dimension_group}}
WITH NO DATA;
-- Readers ask for a range of buckets (a stitch's rollup piece reads a month of a rollup that holds
-- years; the refresh deletes a range): an index on the bucket spares them a scan of every row.
CREATE INDEX IF NOT EXISTS {{bucket_index}} ON {{schema}}.{{name}} (bucket);
