/**
 * KPI definitions with every version kept. The current definition of a KPI is its highest version
 * unless that version is a tombstone (deleted). Writers race on the (kpi_id, version) primary key,
 * so two updates from the same ETag cannot both win.
 */
import { StoreError } from './errors.ts';
import { isUniqueViolation, type SqlClient } from './sql-client.ts';

export type DefinitionFormat = 'dsl' | 'json';

export interface StoredDefinition {
  readonly kpiId: string;
  readonly version: number;
  readonly format: DefinitionFormat;
  /** The definition as submitted: DSL text, or the seed's KPIDefinition as JSON text. */
  readonly source: string;
  /** KPIs this one's formula references directly. */
  readonly dependsOn: readonly string[];
  readonly deleted: boolean;
  readonly createdAt: string;
}

/** The store's state as far as writes go: equal fingerprints, no write in between. */
export interface StoreFingerprint {
  readonly versions: number;
  /** created_at of the latest version, as StoredDefinition.createdAt gives it; null when empty. */
  readonly latest: string | null;
}

export interface DefinitionInput {
  readonly kpiId: string;
  readonly format: DefinitionFormat;
  readonly source: string;
  readonly dependsOn: readonly string[];
}

interface Row extends Record<string, unknown> {
  kpi_id: string;
  version: number;
  format: DefinitionFormat;
  source: string;
  depends_on: string[] | string;
  deleted: boolean;
  created_at: Date | string;
}

const COLUMNS = 'kpi_id, version, format, source, depends_on, deleted, created_at';
const LATEST = `SELECT DISTINCT ON (kpi_id) ${COLUMNS} FROM kpi_store.definitions ORDER BY kpi_id, version DESC`;

/** pg returns text[] as an array; some paths return the literal '{a,b}'. */
function parseArray(value: string[] | string): string[] {
  if (Array.isArray(value)) return value;
  const inner = value.replace(/^\{|\}$/g, '');
  return inner === '' ? [] : inner.split(',').map((s) => s.replace(/^"|"$/g, ''));
}

function toDefinition(row: Row): StoredDefinition {
  return Object.freeze({
    kpiId: row.kpi_id,
    version: Number(row.version),
    format: row.format,
    source: row.source,
    dependsOn: Object.freeze(parseArray(row.depends_on)),
    deleted: row.deleted,
    createdAt: new Date(row.created_at).toISOString(),
  });
}

export class DefinitionStore {
  constructor(private readonly db: SqlClient) {}

  /** Current (not deleted) definitions, ordered by id. */
  async list(): Promise<StoredDefinition[]> {
    const rows = await this.db.query<Row>(`SELECT * FROM (${LATEST}) d WHERE NOT deleted ORDER BY kpi_id`);
    return rows.map(toDefinition);
  }

  async get(kpiId: string): Promise<StoredDefinition | undefined> {
    const [row] = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM kpi_store.definitions WHERE kpi_id = $1 ORDER BY version DESC LIMIT 1`,
      [kpiId],
    );
    return row && !row.deleted ? toDefinition(row) : undefined;
  }

  /** Every version, oldest first, tombstones included. */
  async history(kpiId: string): Promise<StoredDefinition[]> {
    const rows = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM kpi_store.definitions WHERE kpi_id = $1 ORDER BY version`,
      [kpiId],
    );
    return rows.map(toDefinition);
  }

  /**
   * Changes whenever any process writes a definition: how many versions there are (rows are only ever
   * added) and when the latest was written.
   */
  async fingerprint(): Promise<StoreFingerprint> {
    const [row] = await this.db.query<{ n: number; t: Date | string | null }>(
      'SELECT count(*)::int AS n, max(created_at) AS t FROM kpi_store.definitions',
    );
    return { versions: row?.n ?? 0, latest: row?.t ? new Date(row.t).toISOString() : null };
  }

  /** Current KPIs whose formula references `kpiId` directly. */
  async dependents(kpiId: string): Promise<string[]> {
    const rows = await this.db.query<{ kpi_id: string }>(
      `SELECT kpi_id FROM (${LATEST}) d WHERE NOT deleted AND $1 = ANY(depends_on) ORDER BY kpi_id`,
      [kpiId],
    );
    return rows.map((r) => r.kpi_id);
  }

  /** Creates a KPI (or re-creates a deleted one, continuing its version numbers). */
  async create(input: DefinitionInput): Promise<StoredDefinition> {
    const latest = await this.latestRow(input.kpiId);
    if (latest && !latest.deleted) {
      throw new StoreError('exists', `KPI "${input.kpiId}" already exists`, {
        kpiId: input.kpiId,
        version: Number(latest.version),
      });
    }
    return this.insert(input, latest ? Number(latest.version) + 1 : 1, false);
  }

  /** Writes a new version when `expectedVersion` is the current one (If-Match). */
  async update(input: DefinitionInput, expectedVersion: number): Promise<StoredDefinition> {
    const latest = await this.latestRow(input.kpiId);
    if (!latest || latest.deleted) throw new StoreError('not-found', `KPI "${input.kpiId}" not found`);
    this.checkVersion(input.kpiId, Number(latest.version), expectedVersion);
    return this.insert(input, expectedVersion + 1, false);
  }

  /**
   * Deletes by writing a tombstone version. Refused while other current KPIs derive from it.
   * `expectedVersion` (If-Match) is optional for deletes.
   */
  async delete(kpiId: string, expectedVersion?: number): Promise<StoredDefinition> {
    const latest = await this.latestRow(kpiId);
    if (!latest || latest.deleted) throw new StoreError('not-found', `KPI "${kpiId}" not found`);
    const version = Number(latest.version);
    if (expectedVersion !== undefined) this.checkVersion(kpiId, version, expectedVersion);
    const dependents = await this.dependents(kpiId);
    if (dependents.length > 0) {
      throw new StoreError(
        'has-dependents',
        `KPI "${kpiId}" cannot be deleted: ${dependents.join(', ')} derive from it`,
        { dependents },
      );
    }
    return this.insert(
      { kpiId, format: toDefinition(latest).format, source: latest.source, dependsOn: [] },
      version + 1,
      true,
    );
  }

  private checkVersion(kpiId: string, current: number, expected: number): void {
    if (current !== expected) {
      throw new StoreError(
        'version-mismatch',
        `KPI "${kpiId}" is at version ${current}, not ${expected}; fetch it again and retry`,
        { currentVersion: current, expectedVersion: expected },
      );
    }
  }

  private async latestRow(kpiId: string): Promise<Row | undefined> {
    const [row] = await this.db.query<Row>(
      `SELECT ${COLUMNS} FROM kpi_store.definitions WHERE kpi_id = $1 ORDER BY version DESC LIMIT 1`,
      [kpiId],
    );
    return row;
  }

  private async insert(input: DefinitionInput, version: number, deleted: boolean): Promise<StoredDefinition> {
    try {
      const [row] = await this.db.query<Row>(
        `INSERT INTO kpi_store.definitions (kpi_id, version, format, source, depends_on, deleted)
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING ${COLUMNS}`,
        [input.kpiId, version, input.format, input.source, [...input.dependsOn], deleted],
      );
      return toDefinition(row!);
    } catch (error) {
      if (isUniqueViolation(error)) {
        // Someone else wrote this version between our read and our insert.
        throw new StoreError('version-mismatch', `KPI "${input.kpiId}" changed concurrently; retry`, {
          expectedVersion: version - 1,
        });
      }
      throw error;
    }
  }
}
