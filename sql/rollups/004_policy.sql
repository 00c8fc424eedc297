-- Only with a real TimescaleDB (background workers): keep the aggregate refreshed by itself. The embedded
-- PGlite store has no workers; `kpi rollup refresh` calls refresh_continuous_aggregate instead.
SELECT add_continuous_aggregate_policy({{name_text}},
  start_offset => NULL, end_offset => {{interval}}, schedule_interval => INTERVAL '1 hour',
  if_not_exists => TRUE);
