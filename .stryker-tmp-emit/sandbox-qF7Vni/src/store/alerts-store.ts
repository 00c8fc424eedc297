/**
 * Alert levels and alert events in the metrics store (sql/store/007_alerts.sql). A level change is one
 * transaction: the subject's row is locked, its level compared with the one the caller saw, and the
 * event written with the new level — so instances sharing the store record each change once.
 */
// @ts-nocheck

import type { SqlClient } from './sql-client.ts';

export type StoredLevel = 'ok' | 'warning' | 'critical';
export type Delivery = 'none' | 'pending' | 'delivered' | 'failed';

export interface AlertEventRow {
  readonly id: number;
  readonly kpiId: string;
  readonly subject: string;
  readonly from: StoredLevel;
  readonly to: StoredLevel;
  readonly value: number;
  readonly threshold: { readonly op: string; readonly value: number } | null;
  readonly at: string;
  readonly delivery: Delivery;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly deliveredAt: string | null;
}

export interface AlertFilter {
  readonly kpiId?: string;
  readonly level?: StoredLevel;
  readonly since?: string;
  readonly limit: number;
}

type Row = {
  id: number | string;
  kpi_id: string;
  subject: string;
  from_level: StoredLevel;
  to_level: StoredLevel;
  value: number | string;
  threshold: AlertEventRow['threshold'] | string | null;
  at: Date | string;
  delivery: Delivery;
  attempts: number | string;
  last_error: string | null;
  delivered_at: Date | string | null;
};

const iso = (d: Date | string) => new Date(d).toISOString();
const toEvent = (r: Row): AlertEventRow =>
  Object.freeze({
    id: Number(r.id),
    kpiId: r.kpi_id,
    subject: r.subject,
    from: r.from_level,
    to: r.to_level,
    value: Number(r.value),
    threshold: typeof r.threshold === 'string' ? JSON.parse(r.threshold) : r.threshold,
    at: iso(r.at),
    delivery: r.delivery,
    attempts: Number(r.attempts),
    lastError: r.last_error,
    deliveredAt: r.delivered_at === null ? null : iso(r.delivered_at),
  });

export interface LevelChange {
  readonly kpiId: string;
  readonly subject: string;
  readonly value: number;
  readonly at: Date;
  readonly delivery: Delivery;
}

export class AlertStore {
  constructor(private readonly db: SqlClient) {}

  /** The level a subject is at (ok when it has none yet). */
  async level(kpiId: string, subject: string): Promise<StoredLevel> {
    const rows = await this.db.query<{ level: StoredLevel }>(
      'SELECT level FROM kpi_store.alert_state WHERE kpi_id = $1 AND subject = $2',
      [kpiId, subject],
    );
    return rows[0]?.level ?? 'ok';
  }

  /**
   * Moves a subject to the level `decide` gives for the level it is at now (read under a row lock);
   * returns the event written, or null when the level did not change.
   */
  async change(
    c: LevelChange,
    decide: (current: StoredLevel) => { level: StoredLevel; threshold: AlertEventRow['threshold'] },
  ): Promise<AlertEventRow | null> {
    return this.db.transaction(async (tx) => {
      // Creates the row at `ok` if missing, so the lock below always has a row to hold.
      await tx.query(
        `INSERT INTO kpi_store.alert_state (kpi_id, subject, level, value, changed_at)
         VALUES ($1, $2, 'ok', NULL, $3) ON CONFLICT (kpi_id, subject) DO NOTHING`,
        [c.kpiId, c.subject, c.at],
      );
      const [row] = await tx.query<{ level: StoredLevel }>(
        'SELECT level FROM kpi_store.alert_state WHERE kpi_id = $1 AND subject = $2 FOR UPDATE',
        [c.kpiId, c.subject],
      );
      const current = row?.level ?? 'ok';
      const next = decide(current);
      if (next.level === current) return null;
      await tx.query(
        `UPDATE kpi_store.alert_state SET level = $3, value = $4, changed_at = $5
         WHERE kpi_id = $1 AND subject = $2`,
        [c.kpiId, c.subject, next.level, c.value, c.at],
      );
      const [event] = await tx.query<Row>(
        `INSERT INTO kpi_store.alert_events (kpi_id, subject, from_level, to_level, value, threshold, at, delivery)
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING *`,
        [
          c.kpiId,
          c.subject,
          current,
          next.level,
          c.value,
          next.threshold === null ? null : JSON.stringify(next.threshold),
          c.at,
          c.delivery,
        ],
      );
      return toEvent(event!);
    });
  }

  async list(f: AlertFilter): Promise<AlertEventRow[]> {
    const where: string[] = [];
    const params: unknown[] = [];
    const add = (sql: string, value: unknown) => {
      params.push(value);
      where.push(sql.replace('?', `$${params.length}`));
    };
    if (f.kpiId !== undefined) add('kpi_id = ?', f.kpiId);
    if (f.level !== undefined) add('to_level = ?', f.level);
    if (f.since !== undefined) add('at >= ?', f.since);
    params.push(f.limit);
    const rows = await this.db.query<Row>(
      `SELECT * FROM kpi_store.alert_events ${where.length ? `WHERE ${where.join(' AND ')}` : ''}
       ORDER BY at DESC, id DESC LIMIT $${params.length}`,
      params,
    );
    return rows.map(toEvent);
  }

  /** Events whose delivery is still owed, oldest first (picked up again after a restart). */
  async pending(limit: number): Promise<AlertEventRow[]> {
    const rows = await this.db.query<Row>(
      `SELECT * FROM kpi_store.alert_events WHERE delivery = 'pending' ORDER BY id LIMIT $1`,
      [limit],
    );
    return rows.map(toEvent);
  }

  /** Records one delivery attempt: its outcome, and whether the event is now delivered, failed or still owed. */
  async recordAttempt(id: number, delivery: Delivery, error: string | null, at: Date): Promise<void> {
    await this.db.query(
      `UPDATE kpi_store.alert_events SET attempts = attempts + 1, delivery = $2, last_error = $3,
         delivered_at = CASE WHEN $2 = 'delivered' THEN $4::timestamptz ELSE delivered_at END
       WHERE id = $1`,
      [id, delivery, error, at],
    );
  }
}
