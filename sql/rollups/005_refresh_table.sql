-- What refresh_continuous_aggregate does, for the fallback table: recompute the buckets in [$1, $2).
DELETE FROM {{schema}}.{{name}} WHERE bucket >= $1::timestamptz AND bucket < $2::timestamptz;
INSERT INTO {{schema}}.{{name}}
SELECT time_bucket({{interval}}, ts, {{timezone}}) AS bucket{{dimension_select}}{{measure_select}}
FROM {{schema}}.{{facts}}
WHERE time_bucket({{interval}}, ts, {{timezone}}) >= $1::timestamptz
  AND time_bucket({{interval}}, ts, {{timezone}}) < $2::timestamptz
GROUP BY time_bucket({{interval}}, ts, {{timezone}}){{dimension_group}};
