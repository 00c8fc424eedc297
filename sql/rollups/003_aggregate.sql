-- The continuous aggregate the optimizer reads: re-aggregates the facts exactly (sum of sums, sum of
-- counts, min of mins, max of maxes) at the rollup grain in its zone. Refreshed explicitly by the engine.
CREATE MATERIALIZED VIEW IF NOT EXISTS {{schema}}.{{name}}
WITH (timescaledb.continuous, timescaledb.materialized_only = true) AS
SELECT time_bucket({{interval}}, ts, {{timezone}}) AS bucket{{dimension_select}}{{measure_select}}
FROM {{schema}}.{{facts}}
GROUP BY time_bucket({{interval}}, ts, {{timezone}}){{dimension_group}}
WITH NO DATA;
