/**
 * Dashboards (the web app's grids of KPI tiles) as versioned JSON documents: one row per version, a
 * delete is a tombstone version, writes check the expected version (If-Match) like definitions do.
 */
// @ts-nocheck

import { StoreError } from './errors.ts';
import { isUniqueViolation, type SqlClient } from './sql-client.ts';

export interface DashboardDocument {
  readonly id: string;
  readonly [key: string]: unknown;
}

export interface StoredDashboard {
  readonly id: string;
  readonly version: number;
  readonly body: DashboardDocument;
  readonly deleted: boolean;
  readonly createdAt: string;
}

type Row = {
  dashboard_id: string;
  version: number | string;
  body: DashboardDocument | string;
  deleted: boolean;
  created_at: Date | string;
};

const COLUMNS = 'dashboard_id, version, body, deleted, created_at';

const toStored = (r: Row): StoredDashboard =>
  Object.freeze({
    id: r.dashboard_id,
    version: Number(r.version),
    body: typeof r.body === 'string' ? JSON.parse(r.body) : r.body,
    deleted: r.deleted,
    createdAt: new Date(r.created_at).toISOString(),
  });

export class DashboardStore {
  constructor(private readonly db: SqlClient) {}

  /** The current version of every dashboard not deleted, by id. */
  async list(): Promise<StoredDashboard[]> {
    const rows = await this.db.query<Row>(
      `SELECT DISTINCT ON (dashboard_id) ${COLUMNS} FROM kpi_store.dashboards
       ORDER BY dashboard_id, version DESC`,
    );
    return rows.map(toStored).filter((d) => !d.deleted);
  }

  async get(id: string): Promise<StoredDashboard | undefined> {
    const latest = await this.latest(id);
    return latest && !latest.deleted ? latest : undefined;
  }

  async history(id: string): Promise<StoredDashboard[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM kpi_store.dashboards WHERE dashboard_id = $1 ORDER BY version`,
      [id],
    );
    return rows.map(toStored);
  }

  async create(body: DashboardDocument): Promise<StoredDashboard> {
    const latest = await this.latest(body.id);
    if (latest && !latest.deleted) {
      throw new StoreError('exists', `dashboard "${body.id}" already exists`, { version: latest.version });
    }
    return this.insert(body, latest ? latest.version + 1 : 1, false);
  }

  async update(body: DashboardDocument, expectedVersion: number): Promise<StoredDashboard> {
    const latest = await this.get(body.id);
    if (!latest) throw new StoreError('not-found', `dashboard "${body.id}" not found`);
    this.checkVersion(body.id, latest.version, expectedVersion);
    return this.insert(body, expectedVersion + 1, false);
  }

  async delete(id: string, expectedVersion?: number): Promise<StoredDashboard> {
    const latest = await this.get(id);
    if (!latest) throw new StoreError('not-found', `dashboard "${id}" not found`);
    if (expectedVersion !== undefined) this.checkVersion(id, latest.version, expectedVersion);
    return this.insert(latest.body, latest.version + 1, true);
  }

  private checkVersion(id: string, current: number, expected: number): void {
    if (current !== expected) {
      throw new StoreError(
        'version-mismatch',
        `dashboard "${id}" is at version ${current}, not ${expected}; fetch it again and retry`,
        { currentVersion: current, expectedVersion: expected },
      );
    }
  }

  private async latest(id: string): Promise<StoredDashboard | undefined> {
    const [row] = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM kpi_store.dashboards WHERE dashboard_id = $1 ORDER BY version DESC LIMIT 1`,
      [id],
    );
    return row ? toStored(row) : undefined;
  }

  private async insert(body: DashboardDocument, version: number, deleted: boolean): Promise<StoredDashboard> {
    try {
      const [row] = await this.db.query<Row>(
        `INSERT INTO kpi_store.dashboards (dashboard_id, version, body, deleted)
         VALUES ($1, $2, $3, $4) RETURNING ${COLUMNS}`,
        [body.id, version, JSON.stringify(body), deleted],
      );
      return toStored(row!);
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Someone else wrote this version between our read and our insert.
        throw new StoreError('version-mismatch', `dashboard "${body.id}" changed concurrently; retry`, {
          expectedVersion: version - 1,
        });
      }
      throw error;
    }
  }
}
