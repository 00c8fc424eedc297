/**
 * The SQL rollups run against their sources goes through the emitter's one quoting module: names that
 * hold quotes stay one name. Before, the Trino statements wrote `"${name}"` and the capture triggers
 * `'${column}'` by hand, so such a name ended the identifier or the string early.
 */
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Catalog } from '../../src/catalog/types.ts';
import type { RollupDef } from '../../src/ir/rollup.ts';
import { INSTALL_SCHEMA, installTriggers } from '../../src/rollup/capture.ts';
import { rollupDdl } from '../../src/rollup/ddl.ts';
import {
  partialAggregateSql,
  postgresFingerprintSql,
  sourceHighSql,
  trinoFingerprintSql,
} from '../../src/rollup/source-sql.ts';

const SCHEMA = `fi"n'ance`;
const TABLE = `ex"pen'ses`;
const TIME = `spent "at"`;
const DIMENSION = `cate"gory`;
const MEASURED = `it's "amount"`;

const catalog: Catalog = {
  connections: {
    pay: { name: 'pay', engine: 'postgres', env: 'PAY_URL', trinoCatalog: 'pay"ments' },
  },
  sources: {
    finance: {
      name: 'finance',
      connection: 'pay',
      schema: SCHEMA,
      tables: {
        [TABLE]: {
          source: 'finance',
          name: TABLE,
          primaryKey: 'id',
          timeColumn: TIME,
          columns: { id: 'bigint', [TIME]: 'timestamp', [DIMENSION]: 'string', [MEASURED]: 'decimal' },
          joins: [],
        },
      },
    },
  },
};

const rollup: RollupDef = {
  name: 'expenses_daily',
  table: { source: 'finance', table: TABLE },
  grain: 'day',
  timezone: 'Europe/Berlin',
  dimensions: [DIMENSION],
  measures: [
    { fn: 'count', column: null },
    { fn: 'sum', column: MEASURED },
  ],
  filter: null,
};

const RANGES = [['2025-01-01T00:00:00.000Z', '2025-01-03T00:00:00.000Z']] as const;

describe('rollup SQL over sources whose names hold quotes', () => {
  it('quotes every name of the Trino statements as one identifier, each quote doubled', () => {
    const table = '"pay""ments"."fi""n\'ance"."ex""pen\'ses"';
    const { sql: load, params } = partialAggregateSql(catalog, rollup, RANGES);
    expect(params).toEqual([]);
    expect(load).toContain(`FROM ${table} AS "r" WHERE`);
    expect(load).toContain(`date_trunc('day', "spent ""at""" AT TIME ZONE 'Europe/Berlin')`);
    expect(load).toContain(`, "cate""gory", count(*), sum("it's ""amount""")`);
    expect(load).toContain(`"spent ""at""" < from_iso8601_timestamp('2025-01-03T00:00:00.000Z')`);
    expect(sourceHighSql(catalog, rollup)).toBe(`SELECT to_iso8601(max("spent ""at""")) FROM ${table}`);
    const fingerprint = trinoFingerprintSql(catalog, rollup, 'day', RANGES);
    expect(fingerprint).toContain(`checksum(ROW("spent ""at""", "cate""gory", "it's ""amount"""))`);
    expect(fingerprint).toContain(`FROM ${table} WHERE`);
  });

  it('loads only the rows a filtered rollup keeps, its values bound', () => {
    const filter = {
      kind: 'binary',
      op: '=',
      left: { kind: 'column', table: rollup.table, column: DIMENSION, type: 'string' },
      right: { kind: 'literal', value: "it's ads", type: 'string' },
    } as const;
    const { sql, params } = partialAggregateSql(catalog, { ...rollup, filter }, RANGES);
    expect(sql).toContain(
      `< from_iso8601_timestamp('2025-01-03T00:00:00.000Z'))) AND (("r"."cate""gory" = ?))\nGROUP BY`,
    );
    expect(params).toEqual([{ type: 'string', value: "it's ads" }]);
    // A filter on another table's column cannot be loaded from this table alone.
    const elsewhere = {
      ...filter,
      left: { ...filter.left, table: { source: 'finance', table: 'other' } },
    } as const;
    expect(() => partialAggregateSql(catalog, { ...rollup, filter: elsewhere }, RANGES)).toThrow(
      /a rollup filter may use only columns of finance/,
    );
  });

  it('renders the metrics-store DDL with the dimension quoted', () => {
    const ddl = rollupDdl(catalog, rollup);
    expect(ddl.facts).toContain(`"cate""gory" text`);
    expect(ddl.aggregate).toContain(`time_bucket(INTERVAL '1 day', ts, 'Europe/Berlin')`);
    expect(ddl.aggregate).toContain(`CAST(sum("sum_it's ""amount""") AS numeric(38,6))`);
  });

  describe('on PostgreSQL (PGlite)', () => {
    let db: PGlite;
    const q = (name: string) => `"${name.replaceAll('"', '""')}"`;
    const table = `${q(SCHEMA)}.${q(TABLE)}`;

    beforeAll(async () => {
      db = await PGlite.create();
      await db.exec(`CREATE SCHEMA ${q(SCHEMA)};
        CREATE TABLE ${table} (id bigint, ${q(TIME)} timestamptz, ${q(DIMENSION)} text, ${q(MEASURED)} numeric);
        INSERT INTO ${table} VALUES
          (1, '2025-01-01T10:00:00Z', 'ads', 10), (2, '2025-01-01T12:00:00Z', 'ads', 5),
          (3, '2025-01-02T09:00:00Z', 'events', 7), (4, '2025-01-05T09:00:00Z', 'ads', 1);`);
    });
    afterAll(async () => {
      await db?.close();
    });

    it('fingerprints the partitions of a table whose schema, table and columns hold quotes', async () => {
      const { text, values } = postgresFingerprintSql(catalog, rollup, 'day', RANGES);
      const res = await db.query<{ n: number }>(`${text} ORDER BY 1`, values);
      expect(res.rows.map((r) => Number(r.n))).toEqual([2, 1]);
    });

    it('installs change capture on a time column whose name holds quotes, and logs what changed', async () => {
      await db.exec(INSTALL_SCHEMA);
      await db.exec(installTriggers(table, TIME));
      await db.query(`INSERT INTO ${table} VALUES (5, '2025-02-01T08:00:00Z', 'ads', 3)`);
      const log = await db.query<{ table_name: string; lo: Date }>(
        'SELECT table_name, lo FROM kpi_capture.changes ORDER BY id',
      );
      expect(log.rows.map((r) => [r.table_name, new Date(r.lo).toISOString()])).toEqual([
        [`${SCHEMA}.${TABLE}`, '2025-02-01T08:00:00.000Z'],
      ]);
    });
  });
});
