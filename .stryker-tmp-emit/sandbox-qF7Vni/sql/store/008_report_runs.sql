-- Scheduled report runs and their deliveries. The key (report, scheduled instant) is the lease: the
-- instance whose INSERT wins runs it, so a report is sent once per instant however many instances run.
CREATE TABLE IF NOT EXISTS kpi_store.report_runs (
  report_id     TEXT        NOT NULL,
  scheduled_for TIMESTAMPTZ NOT NULL,
  period_start  TIMESTAMPTZ NOT NULL,
  period_end    TIMESTAMPTZ NOT NULL,
  started_at    TIMESTAMPTZ NOT NULL,
  finished_at   TIMESTAMPTZ,
  outcome       TEXT        NOT NULL CHECK (outcome IN ('running', 'delivered', 'partial', 'failed')),
  -- [{ "sink": "webhook"|"directory"|"email", "target": …, "outcome": "delivered"|"failed"|"skipped", "error": …, "bytes": … }]
  deliveries    JSONB       NOT NULL DEFAULT '[]'::jsonb,
  PRIMARY KEY (report_id, scheduled_for)
);
