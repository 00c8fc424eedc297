/** Reports (the seed's Report) stored as JSON documents keyed by id. */
// @ts-nocheck

import { StoreError } from './errors.ts';
import { isUniqueViolation, type SqlClient } from './sql-client.ts';

export interface ReportDocument {
  readonly id: string;
  readonly [key: string]: unknown;
}

export class ReportStore {
  constructor(private readonly db: SqlClient) {}

  async list(): Promise<ReportDocument[]> {
    const rows = await this.db.query<{ body: ReportDocument | string }>(
      'SELECT body FROM kpi_store.reports ORDER BY report_id',
    );
    return rows.map((r) => (typeof r.body === 'string' ? JSON.parse(r.body) : r.body));
  }

  async get(id: string): Promise<ReportDocument | undefined> {
    const [row] = await this.db.query<{ body: ReportDocument | string }>(
      'SELECT body FROM kpi_store.reports WHERE report_id = $1',
      [id],
    );
    if (!row) return undefined;
    return typeof row.body === 'string' ? JSON.parse(row.body) : row.body;
  }

  async create(report: ReportDocument): Promise<ReportDocument> {
    try {
      await this.db.query('INSERT INTO kpi_store.reports (report_id, body) VALUES ($1, $2)', [
        report.id,
        JSON.stringify(report),
      ]);
      return report;
    } catch (error) {
      if (isUniqueViolation(error)) {
        throw new StoreError('exists', `report "${report.id}" already exists`, { reportId: report.id });
      }
      throw error;
    }
  }
}
