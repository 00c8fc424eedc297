/**
 * The engine's one concurrency limit and one QUERY_TIMEOUT_MS (src/exec/engine.ts `execute`): a server
 * that accepts the query and never answers is cut off at the deadline with `query-timeout`, and a caller
 * arriving when the queue is full is refused at once with `too-many-calculations` — each mapped to the
 * statuses clients saw before (504, 429 with Retry-After).
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { toApiError } from '../../src/api/errors.ts';
import { loadCatalog } from '../../src/catalog/load.ts';
import { createEngine, type Runtime } from '../../src/exec/engine.ts';
import { EngineError } from '../../src/exec/errors.ts';
import { QueueFullError, Semaphore } from '../../src/exec/limiter.ts';
import { PgPools } from '../../src/exec/postgres-run.ts';
import type { MetricQuery } from '../../src/ir/metric-query.ts';
import { demoKpis, registryOf } from '../unit/compile-kpis.ts';

const catalog = loadCatalog();
const registry = registryOf(demoKpis(catalog));
const kpi = [...registry.keys()][0]!;
const query: MetricQuery = {
  kpi,
  grain: 'month',
  range: { start: '2025-01-01T00:00:00Z', end: '2025-02-01T00:00:00Z' },
  timezone: 'UTC',
  dimensions: [],
  filters: [],
};

let server: Server;
let url: string;
/** Requests the silent "Trino" received and never answered. */
let received = 0;
beforeAll(async () => {
  server = createServer(() => {
    received++;
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const runtimeWith = (limiter: Semaphore): Runtime => ({
  pools: new PgPools(() => ({ max: 1, idleTimeoutMillis: 100 })),
  limiter,
  close: async () => {},
});

describe('the engine applies the limit and the timeout once', () => {
  it('answers query-timeout (504) when the server never answers, and frees the slot', async () => {
    const limiter = new Semaphore(1, 0);
    const engine = createEngine({
      catalog,
      registry,
      env: { TRINO_URL: url },
      dialect: 'trino',
      timeoutMs: 300,
      runtime: runtimeWith(limiter),
    });
    const error = await engine.run(query).catch((e: unknown) => e);
    expect(received).toBeGreaterThan(0);
    expect(error).toBeInstanceOf(EngineError);
    expect(error).toMatchObject({ code: 'query-timeout' });
    expect(toApiError(error)).toMatchObject({ status: 504, code: 'query-timeout' });
    expect(limiter.active).toBe(0);
  });

  it('refuses a caller at once when the queue is full (429, Retry-After 1), compiling each query once', async () => {
    const limiter = new Semaphore(1, 0);
    const engine = createEngine({
      catalog,
      registry,
      env: { TRINO_URL: url },
      dialect: 'trino',
      timeoutMs: 2_000,
      runtime: runtimeWith(limiter),
    });
    const compiled = engine.compile(query);
    const first = engine.execute(compiled).catch((e: unknown) => e);
    await expect.poll(() => limiter.active).toBe(1);
    const refused = await engine.execute(compiled).catch((e: unknown) => e);
    expect(refused).toMatchObject({ name: 'EngineError', code: 'too-many-calculations' });
    const api = toApiError(refused);
    expect(api).toMatchObject({ status: 429, code: 'too-many-calculations' });
    expect(api.headers).toEqual({ 'Retry-After': '1' });
    expect(await first).toMatchObject({ code: 'query-timeout' });
  });

  it('queues up to maxQueue behind the running calculations, in order', async () => {
    const limiter = new Semaphore(2, 2);
    let running = 0;
    let peak = 0;
    const job = async () => {
      running++;
      peak = Math.max(peak, running);
      await new Promise((r) => setTimeout(r, 20));
      running--;
      return 'done';
    };
    const accepted = [limiter.run(job), limiter.run(job), limiter.run(job), limiter.run(job)];
    await expect(limiter.run(job)).rejects.toBeInstanceOf(QueueFullError);
    expect(await Promise.all(accepted)).toEqual(['done', 'done', 'done', 'done']);
    expect(peak).toBe(2);
    expect(limiter.active).toBe(0);
  });
});
