/**
 * The kpi catalog's metadata tables — `kpi.information_schema.{schemata,tables,columns,views}` and the
 * kpi rows of `system.jdbc.{catalogs,schemas,tables,columns}` — and a small evaluator for the queries
 * drivers run on them (SQLAlchemy's inspector, JDBC's DatabaseMetaData): projections, UPPER/LOWER,
 * WHERE with comparisons, IN, LIKE … ESCAPE, IS NULL, AND/OR/NOT, ORDER BY, LIMIT/OFFSET, DISTINCT.
 * Column names and types follow Trino 476's own tables so merged answers line up.
 */
// @ts-nocheck

import type { Catalog } from '../catalog/types.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { type Expr, exprText, type Select } from './ast.ts';
import { SqlError } from './errors.ts';
import { KPI_CATALOG, KPI_SCHEMA, kpiTables } from './kpi-catalog.ts';
import { likeRegExp } from './metadata.ts';
import { type Column, column, type TrinoType } from './protocol.ts';
import { compareForOrder } from './row-order.ts';

export interface VirtualTable {
  readonly columns: readonly { readonly name: string; readonly type: TrinoType }[];
  readonly rows: readonly Readonly<Record<string, unknown>>[];
}

const cols = (spec: string): VirtualTable['columns'] =>
  spec.split(',').map((s) => {
    const [name, type = 'varchar'] = s.trim().split(':');
    return { name: name!, type: type as TrinoType };
  });

/** java.sql.Types codes JDBC reports (DATA_TYPE of system.jdbc.columns). */
const JDBC_TYPE: Readonly<Record<string, number>> = {
  varchar: 12,
  bigint: -5,
  integer: 4,
  double: 8,
  boolean: 16,
  date: 91,
  'timestamp(3) with time zone': 2014,
};

/** What system.jdbc.columns says of a type, as Trino's does (decimal(p,s): DECIMAL, size p, digits s). */
function jdbcTypeColumns(type: string) {
  const decimal = /^decimal\((\d+),(\d+)\)$/.exec(type);
  if (decimal) {
    return {
      data_type: 3,
      type_name: type,
      column_size: Number(decimal[1]),
      buffer_length: null,
      decimal_digits: Number(decimal[2]),
      num_prec_radix: 10,
    };
  }
  return {
    data_type: JDBC_TYPE[type] ?? 1111,
    type_name: type,
    column_size: type === 'varchar' ? 2147483647 : type === 'double' ? 53 : type === 'bigint' ? 19 : null,
    buffer_length: null,
    decimal_digits: type === 'timestamp(3) with time zone' ? 3 : null,
    num_prec_radix: type === 'double' ? 2 : type === 'bigint' ? 10 : null,
  };
}

export function virtualTable(
  schema: string,
  name: string,
  registry: ReadonlyMap<string, KpiIR>,
  catalog: Catalog,
): VirtualTable | null {
  const tables = kpiTables(registry, catalog);
  const key = `${schema}.${name}`;
  switch (key) {
    case 'information_schema.schemata':
      return {
        columns: cols('catalog_name,schema_name'),
        rows: [KPI_SCHEMA, 'information_schema'].map((s) => ({ catalog_name: KPI_CATALOG, schema_name: s })),
      };
    case 'information_schema.tables':
      return {
        columns: cols('table_catalog,table_schema,table_name,table_type'),
        rows: tables.map((t) => ({
          table_catalog: KPI_CATALOG,
          table_schema: KPI_SCHEMA,
          table_name: t.name,
          table_type: 'BASE TABLE',
        })),
      };
    case 'information_schema.views':
      return { columns: cols('table_catalog,table_schema,table_name,view_definition'), rows: [] };
    case 'information_schema.columns':
      return {
        // `comment` is newer than Trino 476's table, but the trino SQLAlchemy dialect (0.340) reads it.
        columns: cols(
          'table_catalog,table_schema,table_name,column_name,ordinal_position:bigint,column_default,is_nullable,data_type,comment',
        ),
        rows: tables.flatMap((t) =>
          t.columns.map((c, i) => ({
            table_catalog: KPI_CATALOG,
            table_schema: KPI_SCHEMA,
            table_name: t.name,
            column_name: c.name,
            ordinal_position: i + 1,
            column_default: null,
            is_nullable: 'YES',
            data_type: c.type,
            comment: c.role === 'value' ? t.comment : null,
          })),
        ),
      };
    case 'jdbc.catalogs':
      return { columns: cols('table_cat'), rows: [{ table_cat: KPI_CATALOG }] };
    case 'jdbc.schemas':
      return {
        columns: cols('table_schem,table_catalog'),
        rows: [KPI_SCHEMA, 'information_schema'].map((s) => ({ table_schem: s, table_catalog: KPI_CATALOG })),
      };
    case 'jdbc.tables':
      return {
        columns: cols(
          'table_cat,table_schem,table_name,table_type,remarks,type_cat,type_schem,type_name,self_referencing_col_name,ref_generation',
        ),
        rows: tables.map((t) => ({
          table_cat: KPI_CATALOG,
          table_schem: KPI_SCHEMA,
          table_name: t.name,
          table_type: 'TABLE',
          remarks: t.comment,
          type_cat: null,
          type_schem: null,
          type_name: null,
          self_referencing_col_name: null,
          ref_generation: null,
        })),
      };
    case 'jdbc.columns':
      return {
        columns: cols(
          'table_cat,table_schem,table_name,column_name,data_type:bigint,type_name,column_size:bigint,buffer_length:bigint,decimal_digits:bigint,num_prec_radix:bigint,nullable:bigint,remarks,column_def,sql_data_type:bigint,sql_datetime_sub:bigint,char_octet_length:bigint,ordinal_position:bigint,is_nullable,scope_catalog,scope_schema,scope_table,source_data_type:bigint,is_autoincrement,is_generatedcolumn',
        ),
        rows: tables.flatMap((t) =>
          t.columns.map((c, i) => ({
            table_cat: KPI_CATALOG,
            table_schem: KPI_SCHEMA,
            table_name: t.name,
            column_name: c.name,
            ...jdbcTypeColumns(c.type),
            nullable: 1,
            remarks: null,
            column_def: null,
            sql_data_type: null,
            sql_datetime_sub: null,
            char_octet_length: c.type === 'varchar' ? 2147483647 : null,
            ordinal_position: i + 1,
            is_nullable: 'YES',
            scope_catalog: null,
            scope_schema: null,
            scope_table: null,
            source_data_type: null,
            is_autoincrement: 'NO',
            is_generatedcolumn: 'NO',
          })),
        ),
      };
    default:
      return null;
  }
}

type Row = Readonly<Record<string, unknown>>;

function value(e: Expr, row: Row, table: VirtualTable): unknown {
  switch (e.kind) {
    case 'column': {
      const name = e.parts.at(-1)!;
      if (!table.columns.some((c) => c.name === name))
        throw new SqlError('COLUMN_NOT_FOUND', `Column '${e.parts.join('.')}' cannot be resolved`, e.pos);
      return row[name] ?? null;
    }
    case 'string':
      return e.value;
    case 'number':
      return Number(e.text);
    case 'boolean':
      return e.value;
    case 'null':
      return null;
    case 'call': {
      const args = e.args.map((a) => value(a, row, table));
      if ((e.name === 'upper' || e.name === 'lower') && args.length === 1) {
        const v = args[0];
        return v === null ? null : e.name === 'upper' ? String(v).toUpperCase() : String(v).toLowerCase();
      }
      if (e.name === 'version' && args.length === 0) return 'kpi-engine';
      break;
    }
    case 'binary': {
      if (e.op === 'and' || e.op === 'or') {
        const l = truth(e.left, row, table);
        const r = truth(e.right, row, table);
        if (e.op === 'and')
          return l === false || r === false ? false : l === null || r === null ? null : true;
        return l === true || r === true ? true : l === null || r === null ? null : false;
      }
      const l = value(e.left, row, table);
      const r = value(e.right, row, table);
      if (l === null || r === null) return null;
      const c =
        typeof l === 'number' && typeof r === 'number'
          ? l - r
          : String(l) < String(r)
            ? -1
            : String(l) > String(r)
              ? 1
              : 0;
      switch (e.op) {
        case '=':
          return c === 0;
        case '<>':
          return c !== 0;
        case '<':
          return c < 0;
        case '<=':
          return c <= 0;
        case '>':
          return c > 0;
        case '>=':
          return c >= 0;
      }
      break;
    }
    case 'not': {
      const v = truth(e.expr, row, table);
      return v === null ? null : !v;
    }
    case 'in': {
      const v = value(e.expr, row, table);
      if (v === null) return null;
      const hit = e.list.some((x) => value(x, row, table) === v);
      return e.negated ? !hit : hit;
    }
    case 'like': {
      const v = value(e.expr, row, table);
      const p = value(e.pattern, row, table);
      const esc = e.escape ? value(e.escape, row, table) : null;
      if (v === null || p === null) return null;
      const hit = likeRegExp({ pattern: String(p), escape: esc === null ? null : String(esc) }).test(
        String(v),
      );
      return e.negated ? !hit : hit;
    }
    case 'is_null': {
      const v = value(e.expr, row, table) === null;
      return e.negated ? !v : v;
    }
    default:
      break;
  }
  throw new SqlError(
    'NOT_SUPPORTED',
    `${exprText(e)} is not supported in a kpi catalog metadata query`,
    e.pos,
  );
}

const truth = (e: Expr, row: Row, table: VirtualTable): boolean | null => {
  const v = value(e, row, table);
  return v === null ? null : Boolean(v);
};

function typeOf(e: Expr, table: VirtualTable): TrinoType {
  if (e.kind === 'column') return table.columns.find((c) => c.name === e.parts.at(-1))?.type ?? 'varchar';
  if (e.kind === 'number') return /^-?\d+$/.test(e.text) ? 'integer' : 'double';
  if (
    e.kind === 'boolean' ||
    e.kind === 'binary' ||
    e.kind === 'in' ||
    e.kind === 'like' ||
    e.kind === 'is_null' ||
    e.kind === 'not'
  )
    return 'boolean';
  return 'varchar';
}

/** Runs a SELECT over one virtual table (or none: `SELECT version()`), as Trino would answer it. */
export function evaluate(select: Select, table: VirtualTable): { columns: Column[]; rows: unknown[][] } {
  if (select.groupBy.length > 0 || select.having)
    throw new SqlError(
      'NOT_SUPPORTED',
      'GROUP BY is not supported on the kpi catalog metadata tables',
      select.pos,
    );
  const items = select.items.flatMap((it, i) =>
    it.expr === null
      ? table.columns.map((c) => ({
          name: c.name,
          expr: { kind: 'column', parts: [c.name], pos: it.pos } as Expr,
        }))
      : [
          {
            name: it.alias ?? (it.expr.kind === 'column' ? it.expr.parts.at(-1)! : `_col${i}`),
            expr: it.expr,
          },
        ],
  );
  const rows = table.rows.filter((r) => (select.where ? truth(select.where, r, table) === true : true));
  const keyed = rows.map((r) => ({ r, out: items.map((it) => value(it.expr, r, table)) }));
  if (select.orderBy.length > 0) {
    const key = (o: Select['orderBy'][number], k: (typeof keyed)[number]) => {
      const e = o.expr;
      if (e.kind === 'number') return k.out[Number(e.text) - 1];
      const alias =
        e.kind === 'column' && e.parts.length === 1 ? items.findIndex((it) => it.name === e.parts[0]) : -1;
      return alias >= 0 ? k.out[alias] : value(e, k.r, table);
    };
    keyed.sort((a, b) => {
      for (const o of select.orderBy) {
        const c = compareForOrder(key(o, a), key(o, b), o);
        if (c !== 0) return c;
      }
      return 0;
    });
  }
  let out = keyed.map((k) => k.out);
  if (select.distinct) {
    const seen = new Set<string>();
    out = out.filter((r) => !seen.has(JSON.stringify(r)) && !!seen.add(JSON.stringify(r)));
  }
  const start = select.offset ?? 0;
  out = out.slice(start, select.limit === null ? undefined : start + select.limit);
  return { columns: items.map((it) => column(it.name, typeOf(it.expr, table))), rows: out };
}
