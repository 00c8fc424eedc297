/**
 * End to end against the real stack: `npm start` as a user would, federated (TIMESCALE_URL, TRINO_URL,
 * the sources) with a Redis of this test's own (so stopping it harms nobody), then HTTP only.
 * Numbers are checked against hand-written SQL on the source databases; engine queries are counted on
 * Trino's side (system.runtime.queries).
 */
import type { ChildProcess } from 'node:child_process';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { readStackEnv } from '../../src/config/stack-env.ts';
import { runTrino } from '../../src/exec/trino-http.ts';
import {
  cacDefinition,
  cacOracle,
  freePort,
  postJson,
  type RunningService,
  startRedis,
  startService,
  stopChild,
} from './api-support.ts';

const run = Date.now().toString(36);
const CAC = `cac_${run}`;
const cacDef = cacDefinition(CAC);

async function until(what: () => Promise<boolean>, ms = 15_000): Promise<void> {
  const deadline = Date.now() + ms;
  while (Date.now() < deadline) {
    if (await what().catch(() => false)) return;
    await new Promise((r) => setTimeout(r, 200));
  }
  throw new Error('condition not reached in time');
}

describe('npm start, federated on the real stack', () => {
  let stack: Record<string, string>;
  let service: RunningService;
  let redisPort: number;
  let redis: ChildProcess;
  let env: Record<string, string>;

  beforeAll(async () => {
    stack = { ...readStackEnv(), ...(inject('stackEnv') ?? {}) };
    redisPort = await freePort();
    redis = await startRedis(redisPort);
    env = {
      ...stack,
      REDIS_URL: `redis://127.0.0.1:${redisPort}`,
      CACHE_TTL_SECONDS: '300',
      QUERY_TIMEOUT_MS: '60000',
      // The optimizer off: this file counts engine queries on Trino's side, and a split plan would read
      // CAC's two databases directly (optimize-split.test.ts covers that path).
      ENABLE_OPTIMIZER: 'false',
    };
    service = await startService(env);
  });
  afterAll(async () => {
    await service?.stop();
    if (redis) await stopChild(redis);
  });

  it('starts federated and reports every store healthy', async () => {
    expect(service.output()).toMatch(/federated mode/);
    const res = await fetch(`${service.url}/health`);
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({
      service: 'ok',
      // The stack's real Druid when it runs with one (npm test starts it), else not configured.
      storage: {
        timescale: 'ok',
        cache: 'ok',
        trino: 'ok',
        druid: stack.DRUID_URL ? 'ok' : 'not_configured',
      },
      activeCalculations: 0,
    });
  });

  it("creates the seed's CAC KPI and answers its value as the sources' own SQL does", async () => {
    const created = await postJson(`${service.url}/api/definitions`, cacDef);
    expect(created.status).toBe(201);
    const start = '2025-01-01';
    const end = '2025-07-01';
    const res = await fetch(`${service.url}/api/metrics/${CAC}?start=${start}&end=${end}`);
    expect(res.status).toBe(200);
    const body = await res.json();

    expect(body.value).toBeCloseTo(await cacOracle(stack, start, end), 6);
  });

  it('runs 200 concurrent identical cold requests as exactly one Trino query', async () => {
    // A range starting at a random second of the day marks this run's statements in Trino's query list.
    const hh = String(Math.floor(Math.random() * 24)).padStart(2, '0');
    const mm = String(Math.floor(Math.random() * 60)).padStart(2, '0');
    const ss = String(Math.floor(Math.random() * 60)).padStart(2, '0');
    const marker = `${hh}:${mm}:${ss}`;
    const url = `${service.url}/api/metrics/${CAC}/history?aggregation=month&start=2025-01-01T${marker}Z&end=2025-06-01T00:00:00Z`;
    const compiled = await (
      await postJson(`${service.url}/api/compile`, {
        kpi: CAC,
        grain: 'month',
        start: `2025-01-01T${marker}Z`,
        end: '2025-06-01T00:00:00Z',
      })
    ).json();
    expect(compiled.dialect).toBe('trino');
    expect(JSON.stringify(compiled)).toContain(marker);

    const responses = await Promise.all(Array.from({ length: 200 }, () => fetch(url)));
    expect(responses.map((r) => r.status)).toEqual(Array(200).fill(200));
    const outcomes = responses.map((r) => r.headers.get('x-cache'));
    expect(outcomes.every((o) => o === 'miss' || o === 'hit')).toBe(true);
    const bodies = new Set(await Promise.all(responses.map((r) => r.text())));
    expect(bodies.size).toBe(1);

    const counted = await runTrino(
      `SELECT count(*) FROM system.runtime.queries WHERE query LIKE '%${marker}%' AND query NOT LIKE '%system.runtime.queries%'`,
      [],
      { url: stack.TRINO_URL! },
    );
    expect(Number(counted.rows[0]![0])).toBe(1);
  });

  it('keeps answering with Redis stopped mid-run, says degraded, loses no definition, and recovers', async () => {
    const url = `${service.url}/api/metrics/${CAC}?start=2025-02-01&end=2025-03-01`;
    expect((await fetch(url)).status).toBe(200);
    expect((await fetch(url)).headers.get('x-cache')).toBe('hit');

    await stopChild(redis);
    await until(
      async () => (await (await fetch(`${service.url}/health`)).json()).storage.cache === 'degraded',
    );
    const health = await fetch(`${service.url}/health`);
    expect(health.status).toBe(200);
    expect((await health.json()).service).toBe('degraded');
    const uncached = await fetch(url);
    expect(uncached.status).toBe(200);
    expect(uncached.headers.get('x-cache')).toBe('miss');
    const during = await postJson(`${service.url}/api/definitions`, { ...cacDef, id: `${CAC}_during` });
    expect(during.status).toBe(201);

    redis = await startRedis(redisPort);
    await until(async () => (await (await fetch(`${service.url}/health`)).json()).service === 'ok');
    await fetch(url);
    expect((await fetch(url)).headers.get('x-cache')).toBe('hit');
    const ids = (await (await fetch(`${service.url}/api/definitions`)).json()).definitions.map(
      (d: { id: string }) => d.id,
    );
    expect(ids).toEqual(expect.arrayContaining([CAC, `${CAC}_during`]));
  });

  it('answers 503 when Trino is unreachable, while definitions keep working', async () => {
    const broken = await startService({ ...env, TRINO_URL: `http://127.0.0.1:${await freePort()}` });
    try {
      // Not on day boundaries, so no rollup can answer it: only Trino can (rollups answer without it).
      const res = await fetch(
        `${broken.url}/api/metrics/${CAC}?start=2024-01-01T06:00:00Z&end=2024-02-01T06:00:00Z`,
      );
      expect(res.status).toBe(503);
      expect((await res.json()).error.code).toBe('engine-unavailable');
      const health = await (await fetch(`${broken.url}/health`)).json();
      expect(health).toMatchObject({ service: 'degraded', storage: { trino: 'down', timescale: 'ok' } });
      expect((await fetch(`${broken.url}/api/definitions/${CAC}`)).status).toBe(200);
    } finally {
      await broken.stop();
    }
  });

  it('shuts down gracefully on SIGTERM and keeps every definition across a restart', async () => {
    expect(await service.stop()).toBe(true);
    expect(service.output()).toMatch(/SIGTERM: no new connections/);
    service = await startService(env);
    const res = await fetch(`${service.url}/api/definitions/${CAC}`);
    expect(res.status).toBe(200);
    expect(res.headers.get('etag')).toBe('"1"');
  });
});
