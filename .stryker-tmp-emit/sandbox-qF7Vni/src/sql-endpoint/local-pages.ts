/**
 * The pages of a statement answered here, as Trino's QueryResults: queued, running, the rows in pages
 * of `pageRows` through `nextUri` tokens, or the failure. A page is served until the next is asked for.
 */
// @ts-nocheck

import { queryError } from './errors.ts';
import type { LocalQueries, LocalQuery } from './local-queries.ts';
import { json, readsFirstResponse, stats } from './protocol.ts';

/** The POST's answer: queued, pointing at page 0 (results and failures come with the polls). */
export const QUEUED = -1;

export function localPages(o: { local: LocalQueries; pageRows: number; maxWaitMs: number }) {
  const { local, pageRows, maxWaitMs } = o;
  const page = (q: LocalQuery, token: number, base: string): Response => {
    const infoUri = `${base}/v1/query/${q.id}`;
    const elapsed = performance.now() - q.startedAt;
    const uriOf = (t: number) => `${base}/v1/statement/kpi/${q.id}/${q.slug}/${t}`;
    if (token === QUEUED) {
      return json({ id: q.id, infoUri, nextUri: uriOf(0), stats: stats('QUEUED', elapsed), warnings: [] });
    }
    if (q.error) {
      local.forget(q);
      return json({
        id: q.id,
        infoUri,
        stats: stats('FAILED', elapsed),
        error: queryError(q.error),
        warnings: [],
      });
    }
    const r = q.result;
    if (!r) {
      return json({
        id: q.id,
        infoUri,
        nextUri: uriOf(token),
        stats: stats(token === 0 ? 'QUEUED' : 'RUNNING', elapsed),
        warnings: [],
      });
    }
    const pages = Math.max(1, Math.ceil(r.rows.length / pageRows));
    const data = r.rows.slice(token * pageRows, (token + 1) * pageRows);
    const last = token + 1 >= pages;
    if (last) local.forget(q);
    return json(
      {
        id: q.id,
        infoUri,
        ...(last ? {} : { nextUri: uriOf(token + 1), partialCancelUri: uriOf(token + 1) }),
        columns: r.columns,
        ...(data.length > 0 || r.updateType ? { data } : {}),
        stats: stats(last ? 'FINISHED' : 'RUNNING', elapsed, r.rows.length),
        warnings: [],
        ...(r.updateType ? { updateType: r.updateType } : {}),
      },
      r.headers,
    );
  };

  /**
   * The POST's answer. Trino's is always "queued"; a client known to read the data (or the failure) in
   * it gets the first page when the answer is ready within a poll's wait, which spares a cached KPI
   * query its second round trip. Other clients (trino-client from npm reads only `nextUri`) poll as
   * they would against Trino.
   */
  const firstAnswer = async (q: LocalQuery, request: Request, base: string): Promise<Response> => {
    if (!readsFirstResponse(request.headers.get('user-agent'))) return page(q, QUEUED, base);
    await waitFor(q);
    return q.result || q.error ? page(q, 0, base) : page(q, QUEUED, base);
  };

  const waitFor = async (q: LocalQuery) => {
    if (q.result || q.error) return;
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([q.done, new Promise<void>((resolve) => (timer = setTimeout(resolve, maxWaitMs)))]);
    clearTimeout(timer);
  };

  return { page, firstAnswer, waitFor };
}
