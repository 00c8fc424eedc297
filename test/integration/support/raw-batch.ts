/**
 * The raw plan's answers to many queries from one Trino statement: each query's raw Trino SQL (as the
 * engine compiles it, unchanged) becomes a subquery tagged with its index, the subqueries are joined by
 * UNION ALL (dimension values as varchar, values as double, so every branch has one row type) and their
 * parameters concatenated in order. One statement pays Trino's fixed cost (planning, scheduling, the
 * round trips) once for the batch instead of once a query — what made the equivalence tests slow.
 */

import type { Param } from '../../../src/emit/params.ts';
import type { ResultRow } from '../../../src/exec/engine.ts';
import { runTrino } from '../../../src/exec/trino-http.ts';
import type { MetricQuery } from '../../../src/ir/metric-query.ts';

export interface RawCompiler {
  compile(
    q: MetricQuery,
    o: { dialect: 'trino' },
  ): { sql: string; params: readonly Param[]; dialect: string };
}

/** Largest statement sent (Trino's default query length limit is 1,000,000 characters). */
const MAX_CHARS = 400_000;

/** Every query's raw answer, in order, from as few Trino statements as fit under MAX_CHARS. */
export async function rawAnswers(
  engine: RawCompiler,
  queries: readonly MetricQuery[],
  trinoUrl: string,
): Promise<ResultRow[][]> {
  const answers: ResultRow[][] = queries.map(() => []);
  const maxDims = Math.max(0, ...queries.map((q) => q.dimensions.length));
  let batch: { sql: string; params: readonly Param[] }[] = [];
  let chars = 0;
  const flush = async () => {
    if (batch.length === 0) return;
    const sql = batch.map((b) => b.sql).join('\nUNION ALL\n');
    const r = await runTrino(
      sql,
      batch.flatMap((b) => b.params),
      { url: trinoUrl, timeoutMs: 600_000 },
    );
    for (const row of r.rows) {
      const [c, time, ...rest] = row as [number, number | null, ...unknown[]];
      const q = queries[c]!;
      const out: Record<string, unknown> = { time: time === null ? null : Number(time) };
      q.dimensions.forEach((d, i) => {
        out[d] = rest[i] ?? null;
      });
      out.value = rest[maxDims] === null || rest[maxDims] === undefined ? null : Number(rest[maxDims]);
      answers[c]!.push(out as ResultRow);
    }
    batch = [];
    chars = 0;
  };
  for (const [i, q] of queries.entries()) {
    const c = engine.compile(q, { dialect: 'trino' });
    if (c.dialect !== 'trino') throw new Error(`raw plan of ${q.kpi} compiled for ${c.dialect}`);
    const dims = Array.from({ length: maxDims }, (_, j) =>
      j < q.dimensions.length
        ? `CAST(x."${q.dimensions[j]!.replaceAll('"', '""')}" AS varchar) AS d${j}`
        : `CAST(NULL AS varchar) AS d${j}`,
    );
    const sql = `SELECT ${[`${i} AS c`, 'x."time" AS t', ...dims, 'CAST(x."value" AS double) AS v'].join(', ')} FROM (${c.sql}) x`;
    if (chars + sql.length > MAX_CHARS) await flush();
    batch.push({ sql, params: c.params });
    chars += sql.length;
  }
  await flush();
  return answers;
}
