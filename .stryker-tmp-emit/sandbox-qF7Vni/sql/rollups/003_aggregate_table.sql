-- Fallback when the store has no continuous aggregates (the embedded PGlite build lacks TimescaleDB's
-- TSL module): a plain table with the same columns, refreshed by the engine with 005_refresh_table.sql.
CREATE TABLE IF NOT EXISTS {{schema}}.{{name}} AS
SELECT time_bucket(INTERVAL '{{interval}}', ts, '{{timezone}}') AS bucket{{dimension_select}}{{measure_select}}
FROM {{schema}}.{{facts}}
GROUP BY time_bucket(INTERVAL '{{interval}}', ts, '{{timezone}}'){{dimension_group}}
WITH NO DATA;
