-- Dashboards of the web app: a named grid of KPI tiles, every version kept like definitions (a delete is
-- a tombstone version, so history is never lost and ETags stay unique per dashboard).
CREATE TABLE IF NOT EXISTS kpi_store.dashboards (
  dashboard_id TEXT        NOT NULL,
  version      INTEGER     NOT NULL CHECK (version > 0),
  body         JSONB       NOT NULL,
  deleted      BOOLEAN     NOT NULL DEFAULT FALSE,
  created_at   TIMESTAMPTZ NOT NULL DEFAULT now(),
  PRIMARY KEY (dashboard_id, version)
);
