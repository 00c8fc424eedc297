/**
 * Runs a split plan's parts (split-compile.ts) side by side, each directly on its own engine through
 * pg, then combines them in process (combine.ts). The caller's one signal — the engine's deadline and
 * the client's cancellation, inside the one concurrency slot execute() holds — reaches every part: an
 * abort cancels each running statement (pg_cancel_backend, or the embedded worker's interrupter), and
 * the first part to fail cancels the others, so no part outlives the answer.
 */
import type { Plan } from '../plan/nodes.ts';
import { combineParts } from './combine.ts';
import { EngineError } from './errors.ts';
import { type PgPools, runPostgres } from './postgres-run.ts';
import type { SplitPart } from './split-compile.ts';

export interface SplitRunOptions {
  readonly pools: PgPools;
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly kpi: string;
  readonly timeoutMs: number;
  readonly signal: AbortSignal;
  readonly interrupters?: ReadonlyMap<string, () => Promise<void>>;
}

export async function runSplit(
  plan: Plan,
  parts: readonly SplitPart[],
  o: SplitRunOptions,
): Promise<{ rows: unknown[][]; engineMs: number; transferMs: number }> {
  const controller = new AbortController();
  const abort = () => controller.abort(o.signal.reason);
  let failed: unknown = null;
  // Answers at once when the caller gives up (or a part failed), whether or not every part's engine
  // has stopped yet.
  const gaveUp = new Promise<never>((_, reject) =>
    controller.signal.addEventListener(
      'abort',
      () => reject(failed ?? new EngineError('engine-canceled', 'split', o.kpi, 'query canceled')),
      { once: true },
    ),
  );
  gaveUp.catch(() => undefined);
  if (o.signal.aborted) abort();
  o.signal.addEventListener('abort', abort, { once: true });
  try {
    const running = Promise.all(
      parts.map(async (part) => {
        const url = o.env[part.connection.env];
        if (!url) {
          throw new EngineError(
            'engine-unavailable',
            part.dialect,
            o.kpi,
            `${part.connection.env} is not set`,
          );
        }
        try {
          return await runPostgres(o.pools, url, part.sql, part.params, {
            engine: `${part.dialect} (${part.connection.name})`,
            kpi: o.kpi,
            timeoutMs: o.timeoutMs,
            signal: controller.signal,
            canCancel: url !== o.env.TIMESCALE_URL,
            interrupt: o.interrupters?.get(url),
          });
        } catch (error) {
          failed ??= error;
          controller.abort(); // the answer failed: the other parts stop too
          throw error;
        }
      }),
    );
    running.catch(() => undefined); // a part failing after the caller gave up is nobody's answer
    const results = await Promise.race([running, gaveUp]);
    const t0 = performance.now();
    const rows = combineParts(
      plan,
      parts.map((part, i) => ({ instance: part.instance, rows: results[i]!.rows })),
    );
    return {
      rows,
      engineMs: Math.max(0, ...results.map((r) => r.engineMs)),
      transferMs: performance.now() - t0,
    };
  } finally {
    o.signal.removeEventListener('abort', abort);
  }
}
