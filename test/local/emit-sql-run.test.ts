/**
 * The SQL goldens pin text; this runs it. Each golden with an `--- oracle` section (hand-written SQL
 * asking the same question) is compiled for PostgreSQL against the embedded catalog — every source a
 * schema of one database, as `npm start` runs — and executed on PGlite over fixtures/golden/run-data.sql,
 * and must give the oracle's rows. So a change of meaning (a range end that includes its edge, a join that
 * drops empty buckets, a division by zero that errors) fails here even if the golden text is rewritten.
 */
import { readFileSync } from 'node:fs';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { emitSql } from '../../src/emit/emit.ts';
import { postgres } from '../../src/emit/postgres.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { embeddedCatalog } from '../../src/service/engine-binding.ts';
import { goldenEnv, queryOf, readGoldens } from '../golden/emit-golden.ts';

/** The goldens that must carry an oracle: the ones whose PostgreSQL text pins an emitter behaviour. */
const RUN = [
  '01-seed-mrr.txt',
  '02-seed-cac.txt',
  '03-query-filter.txt',
  '05-interval-valid.txt',
  '09-total.txt',
  '10-hour-dst.txt',
  '20-cumulative.txt',
  '29-empty-buckets.txt',
  '30-zero-divisor.txt',
];

const env = goldenEnv();
const embedded = embeddedCatalog();
const cases = readGoldens().filter((c) => RUN.includes(c.file));
const sourceSql = (name: string) =>
  readFileSync(new URL(`../../sql/sources/${name}.sql`, import.meta.url), 'utf8');

/** Rows as plain numbers and strings (numeric arrives as text), values to 9 significant digits. */
function normalize(rows: readonly Record<string, unknown>[]): unknown[][] {
  return rows.map((row) =>
    Object.values(row).map((v) => {
      if (v === null || v === undefined) return null;
      if (typeof v === 'string' && !/^-?\d+(\.\d+)?(e[+-]?\d+)?$/i.test(v)) return v;
      const n = Number(v);
      return n === 0 ? 0 : Number(n.toPrecision(9));
    }),
  );
}

describe('golden SQL runs on PGlite and answers as the hand-written oracle does', () => {
  let db: PGlite;
  beforeAll(async () => {
    db = await PGlite.create();
    await db.exec(`SET TimeZone = 'UTC'; CREATE SCHEMA payments; CREATE SCHEMA users;`);
    await db.exec(sourceSql('payments').replaceAll('public.', 'payments.'));
    await db.exec(sourceSql('users').replaceAll('public.', 'users.'));
    await db.exec(sourceSql('analytics'));
    await db.exec(readFileSync(new URL('../../fixtures/golden/run-data.sql', import.meta.url), 'utf8'));
  });
  afterAll(async () => db?.close());

  it('runs every golden it is meant to', () => {
    expect(cases.map((c) => c.file)).toEqual(RUN);
    for (const c of cases) expect(c.sections.oracle, `${c.file} has no --- oracle section`).toBeTruthy();
  });

  it.each(cases.map((c) => [c.file, c] as const))('%s', async (_, c) => {
    const { kpi, query } = queryOf(c.sections.query!, env);
    const registry = new Map(env.registry).set(kpi.id, kpi);
    const emitted = emitSql(planQuery(kpi, query, { catalog: embedded, registry }), postgres, embedded);
    const actual = await db.query<Record<string, unknown>>(
      emitted.sql,
      emitted.params.map((p) => p.value),
    );
    const expected = await db.query<Record<string, unknown>>(c.sections.oracle!);
    expect(actual.rows.length, 'the oracle answers something').toBeGreaterThan(0);
    expect(normalize(actual.rows)).toEqual(normalize(expected.rows));
  });
});
