/** Scheduled report runs (sql/store/008_report_runs.sql): claimed once per instant, then finished with their deliveries. */
// @ts-nocheck

import type { SqlClient } from './sql-client.ts';

export interface DeliveryRecord {
  readonly sink: 'webhook' | 'directory' | 'email';
  readonly target: string;
  readonly outcome: 'delivered' | 'failed' | 'skipped';
  readonly error: string | null;
  readonly bytes: number;
}

export type RunOutcome = 'running' | 'delivered' | 'partial' | 'failed';

export interface ReportRun {
  readonly reportId: string;
  readonly scheduledFor: string;
  readonly period: { readonly start: string; readonly end: string };
  readonly startedAt: string;
  readonly finishedAt: string | null;
  readonly outcome: RunOutcome;
  readonly deliveries: readonly DeliveryRecord[];
}

type Row = {
  report_id: string;
  scheduled_for: Date | string;
  period_start: Date | string;
  period_end: Date | string;
  started_at: Date | string;
  finished_at: Date | string | null;
  outcome: RunOutcome;
  deliveries: DeliveryRecord[] | string;
};

const iso = (d: Date | string) => new Date(d).toISOString();
const toRun = (r: Row): ReportRun =>
  Object.freeze({
    reportId: r.report_id,
    scheduledFor: iso(r.scheduled_for),
    period: { start: iso(r.period_start), end: iso(r.period_end) },
    startedAt: iso(r.started_at),
    finishedAt: r.finished_at === null ? null : iso(r.finished_at),
    outcome: r.outcome,
    deliveries: typeof r.deliveries === 'string' ? JSON.parse(r.deliveries) : r.deliveries,
  });

export class ReportRunStore {
  constructor(private readonly db: SqlClient) {}

  /**
   * Claims a run; false when another instance has it — unless that one is still `running` after
   * `staleMs` (it crashed), in which case it is taken over.
   */
  async claim(
    reportId: string,
    scheduledFor: Date,
    period: { start: string; end: string },
    now: Date,
    staleMs: number,
  ): Promise<boolean> {
    const rows = await this.db.query(
      `INSERT INTO kpi_store.report_runs (report_id, scheduled_for, period_start, period_end, started_at, outcome)
       VALUES ($1, $2, $3, $4, $5, 'running')
       ON CONFLICT (report_id, scheduled_for) DO UPDATE SET started_at = EXCLUDED.started_at
         WHERE kpi_store.report_runs.outcome = 'running' AND kpi_store.report_runs.started_at < $6
       RETURNING report_id`,
      [reportId, scheduledFor, period.start, period.end, now, new Date(now.getTime() - staleMs)],
    );
    return rows.length === 1;
  }

  async finish(
    reportId: string,
    scheduledFor: Date,
    outcome: RunOutcome,
    deliveries: readonly DeliveryRecord[],
    at: Date,
  ) {
    await this.db.query(
      `UPDATE kpi_store.report_runs SET outcome = $3, deliveries = $4, finished_at = $5
       WHERE report_id = $1 AND scheduled_for = $2`,
      [reportId, scheduledFor, outcome, JSON.stringify(deliveries), at],
    );
  }

  async list(reportId: string, limit: number): Promise<ReportRun[]> {
    const rows = await this.db.query<Row>(
      'SELECT * FROM kpi_store.report_runs WHERE report_id = $1 ORDER BY scheduled_for DESC LIMIT $2',
      [reportId, limit],
    );
    return rows.map(toRun);
  }
}
