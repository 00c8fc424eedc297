-- Facts of a rollup: partial aggregates per load window at the rollup grain (a bucket cut by a
-- watermark gets one row per load); the continuous aggregate combines them. A hypertable on the bucket.
CREATE TABLE IF NOT EXISTS {{schema}}.{{facts}} (
  ts timestamptz NOT NULL{{dimension_columns}}{{measure_columns}}
);
SELECT create_hypertable({{facts_text}}, 'ts', chunk_time_interval => {{chunk}}, if_not_exists => TRUE);
