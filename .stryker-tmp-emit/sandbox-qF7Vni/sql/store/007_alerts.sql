-- Alerts on KPI thresholds: the level each subject (a scheduled KPI's series, or a streamed question) is
-- at, and one event per level change with its webhook delivery. An event is written in the same
-- transaction as the level it moves to, so two instances never record the same change twice.
CREATE TABLE IF NOT EXISTS kpi_store.alert_state (
  kpi_id     TEXT             NOT NULL,
  subject    TEXT             NOT NULL,
  level      TEXT             NOT NULL CHECK (level IN ('ok', 'warning', 'critical')),
  value      DOUBLE PRECISION,
  changed_at TIMESTAMPTZ      NOT NULL,
  PRIMARY KEY (kpi_id, subject)
);

CREATE TABLE IF NOT EXISTS kpi_store.alert_events (
  id           BIGSERIAL        PRIMARY KEY,
  kpi_id       TEXT             NOT NULL,
  subject      TEXT             NOT NULL,
  from_level   TEXT             NOT NULL,
  to_level     TEXT             NOT NULL,
  value        DOUBLE PRECISION NOT NULL,
  threshold    JSONB,
  at           TIMESTAMPTZ      NOT NULL,
  -- none: no webhook configured; pending: not delivered yet (retried, also after a restart).
  delivery     TEXT             NOT NULL CHECK (delivery IN ('none', 'pending', 'delivered', 'failed')),
  attempts     INTEGER          NOT NULL DEFAULT 0,
  last_error   TEXT,
  delivered_at TIMESTAMPTZ
);
CREATE INDEX IF NOT EXISTS alert_events_by_kpi ON kpi_store.alert_events (kpi_id, at DESC);
CREATE INDEX IF NOT EXISTS alert_events_pending ON kpi_store.alert_events (id) WHERE delivery = 'pending';
