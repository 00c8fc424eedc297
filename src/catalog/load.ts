import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import * as z from 'zod';
import { deepFreeze } from '../shared/freeze.ts';
import type { Catalog, ColumnType, DecimalType, SourceDef, TableDef } from './types.ts';

const PLAIN_TYPES = ['bigint', 'double', 'decimal', 'string', 'boolean', 'timestamp', 'date'] as const;
/** `decimal(p,s)`: an exact column with the source's precision (1–38, as Trino's) and scale (0–p). */
const DECIMAL = /^decimal\(\s*(\d{1,2})\s*,\s*(\d{1,2})\s*\)$/;
const columnType = z.union([
  z.enum(PLAIN_TYPES),
  z.string().refine(
    (t) => {
      const m = DECIMAL.exec(t);
      return !!m && Number(m[1]) >= 1 && Number(m[1]) <= 38 && Number(m[2]) <= Number(m[1]);
    },
    {
      message: `a column type is one of ${PLAIN_TYPES.join(', ')} or decimal(p,s) with 1 ≤ p ≤ 38, 0 ≤ s ≤ p`,
    },
  ),
]);

/** The file's column types → the language's, plus the precision and scale of `decimal(p,s)` columns. */
function columnTypes(columns: Record<string, string>): {
  columns: Record<string, ColumnType>;
  decimals: Record<string, DecimalType>;
} {
  const out: Record<string, ColumnType> = {};
  const decimals: Record<string, DecimalType> = {};
  for (const [name, type] of Object.entries(columns)) {
    const m = DECIMAL.exec(type);
    if (m) {
      out[name] = 'decimal';
      decimals[name] = { precision: Number(m[1]), scale: Number(m[2]) };
    } else out[name] = type as ColumnType;
  }
  return { columns: out, decimals };
}

const catalogFile = z.object({
  connections: z.record(
    z.string(),
    z.object({
      engine: z.enum(['postgres', 'timescale', 'mongodb', 'druid']),
      env: z.string(),
      trinoCatalog: z.string(),
    }),
  ),
  sources: z.record(
    z.string(),
    z.object({
      connection: z.string(),
      schema: z.string(),
      tables: z.record(
        z.string(),
        z.object({
          primaryKey: z.string(),
          timeColumn: z.string(),
          columns: z.record(z.string(), columnType),
          joins: z
            .array(
              z.object({
                column: z.string(),
                to: z.object({ source: z.string(), table: z.string(), column: z.string() }),
              }),
            )
            .default([]),
        }),
      ),
    }),
  ),
});

export const DEMO_CATALOG_PATH = fileURLToPath(new URL('../../fixtures/demo-catalog.json', import.meta.url));

/** Validates a parsed catalog file and checks that every reference in it points somewhere. */
export function buildCatalog(input: unknown): Catalog {
  const file = catalogFile.parse(input);
  const connections = Object.fromEntries(
    Object.entries(file.connections).map(([name, c]) => [name, { name, ...c }]),
  );
  const sources: Record<string, SourceDef> = {};
  for (const [sourceName, s] of Object.entries(file.sources)) {
    if (!connections[s.connection]) {
      throw new Error(`catalog: source "${sourceName}" names unknown connection "${s.connection}"`);
    }
    const tables: Record<string, TableDef> = {};
    for (const [tableName, t] of Object.entries(s.tables)) {
      for (const col of [t.primaryKey, t.timeColumn, ...t.joins.map((j) => j.column)]) {
        if (!Object.hasOwn(t.columns, col)) {
          throw new Error(`catalog: ${sourceName}.${tableName} refers to unknown column "${col}"`);
        }
      }
      tables[tableName] = {
        source: sourceName,
        name: tableName,
        primaryKey: t.primaryKey,
        timeColumn: t.timeColumn,
        ...(() => {
          const { columns, decimals } = columnTypes(t.columns);
          return Object.keys(decimals).length > 0 ? { columns, decimals } : { columns };
        })(),
        joins: t.joins,
      };
    }
    sources[sourceName] = { name: sourceName, connection: s.connection, schema: s.schema, tables };
  }
  for (const s of Object.values(sources)) {
    for (const t of Object.values(s.tables)) {
      for (const j of t.joins) {
        const target = sources[j.to.source]?.tables[j.to.table];
        if (!target || !Object.hasOwn(target.columns, j.to.column)) {
          throw new Error(
            `catalog: join ${s.name}.${t.name}.${j.column} → ${j.to.source}.${j.to.table}.${j.to.column} points nowhere`,
          );
        }
      }
    }
  }
  return deepFreeze({ connections, sources });
}

export function loadCatalog(path: string = DEMO_CATALOG_PATH): Catalog {
  return buildCatalog(JSON.parse(readFileSync(path, 'utf8')));
}
