-- analytics as PostgreSQL tables: only for the embedded default (one PGlite database holds every
-- source, each in the schema named after it). With the real stack, analytics lives in MongoDB.
CREATE SCHEMA IF NOT EXISTS analytics;

CREATE TABLE IF NOT EXISTS analytics.events (
  _id         text PRIMARY KEY,
  account_id  bigint NOT NULL,
  type        text NOT NULL,
  ts          timestamptz NOT NULL,
  region      text,
  properties  jsonb
);
CREATE INDEX IF NOT EXISTS events_ts ON analytics.events (ts);

CREATE TABLE IF NOT EXISTS analytics.sessions (
  _id         text PRIMARY KEY,
  account_id  bigint NOT NULL,
  started_at  timestamptz NOT NULL,
  duration_s  bigint,
  device      text
);
CREATE INDEX IF NOT EXISTS sessions_started_at ON analytics.sessions (started_at);
