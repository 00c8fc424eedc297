/**
 * catalog — what sources exist, where they live and how their tables join.
 * Plain frozen data; every phase after `lang` reads it, none writes it.
 */
// @ts-nocheck


/** Column types as the language sees them. `decimal` is exact (numeric), `bigint` integral. */
export type ColumnType = 'bigint' | 'double' | 'decimal' | 'string' | 'boolean' | 'timestamp' | 'date';

export type EngineKind = 'postgres' | 'timescale' | 'mongodb' | 'druid';

/** One physical server/database. Two sources on the same connection can be joined without Trino. */
export interface Connection {
  readonly name: string;
  readonly engine: EngineKind;
  /** The seed's environment variable that holds its URL (PAYMENTS_DB_URL, …). */
  readonly env: string;
  /** The Trino catalog that exposes it. */
  readonly trinoCatalog: string;
}

export interface JoinDef {
  /** Column of this table. */
  readonly column: string;
  readonly to: { readonly source: string; readonly table: string; readonly column: string };
}

export interface TableDef {
  readonly source: string;
  readonly name: string;
  readonly primaryKey: string;
  readonly timeColumn: string;
  readonly columns: Readonly<Record<string, ColumnType>>;
  /**
   * Precision and scale of the `decimal` columns whose file type says them (`"decimal(12,2)"`), as the
   * source declares them (PostgreSQL `numeric(12,2)`, Trino `decimal(12,2)`); a plain `"decimal"` has none.
   */
  readonly decimals?: Readonly<Record<string, DecimalType>>;
  readonly joins: readonly JoinDef[];
}

export interface DecimalType {
  readonly precision: number;
  readonly scale: number;
}

/** A logical database of the seed (`payments`, `finance`, `users`, `analytics`). */
export interface SourceDef {
  readonly name: string;
  readonly connection: string;
  /** Schema inside the connection (PostgreSQL schema, MongoDB database). */
  readonly schema: string;
  readonly tables: Readonly<Record<string, TableDef>>;
}

export interface Catalog {
  readonly connections: Readonly<Record<string, Connection>>;
  readonly sources: Readonly<Record<string, SourceDef>>;
}

export interface TableRef {
  readonly source: string;
  readonly table: string;
}
