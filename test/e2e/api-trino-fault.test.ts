/**
 * Trino stopped mid-query, on the real stack: the service (`npm start`, federated) runs the seed's CAC
 * — two databases, so Trino runs it — while the stack's Trino is first frozen (SIGSTOP: a query in
 * flight never returns), then killed with a query in flight, then started again. Each phase must give
 * the right status (504 on QUERY_TIMEOUT_MS, 503 while Trino is gone), never crash the service or lose a
 * definition, and the service must answer correctly again once Trino is back — without a restart.
 * This test restarts the shared Trino (≈ 20 s) and always leaves it running for the tests after it.
 */
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { loadStackConfig } from '../../src/config/stack-config.ts';
import { readStackEnv } from '../../src/config/stack-env.ts';
import { trinoService } from '../../src/stack/local/trino.ts';
import { isAlive, runningPid } from '../../src/stack/process.ts';
import { stackUp } from '../../src/stack/up.ts';
import { cacDefinition, cacOracle, postJson, type RunningService, startService } from './api-support.ts';

const CAC = `cac_fault_${Date.now().toString(36)}`;
const TIMEOUT_MS = 4_000;
/** How long a cold Trino may take to answer its first KPI query after it reports ready, on a busy machine. */
const WARM_UP_MS = 240_000;

const trinoPid = (): number => {
  const pid = runningPid(loadStackConfig().stackDir, 'trino');
  if (pid === undefined) throw new Error('the stack has no running Trino');
  return pid;
};

async function waitUntil(what: () => boolean | Promise<boolean>, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await what())) {
    if (Date.now() > deadline) throw new Error('condition not reached in time');
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('Trino stopped mid-query', () => {
  let stack: Record<string, string>;
  let service: RunningService;
  let pid: number;
  const value = (start: string, end: string) =>
    fetch(`${service.url}/api/metrics/${CAC}?start=${start}&end=${end}`);
  const errorOf = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

  beforeAll(async () => {
    stack = { ...readStackEnv(), ...(inject('stackEnv') ?? {}) };
    const { REDIS_URL: _ownCache, ...federated } = stack;
    // The optimizer off: a rollup on the metrics store would answer without Trino.
    service = await startService({
      ...federated,
      QUERY_TIMEOUT_MS: String(TIMEOUT_MS),
      ENABLE_OPTIMIZER: 'false',
    });
    expect((await postJson(`${service.url}/api/definitions`, cacDefinition(CAC))).status).toBe(201);
    pid = trinoPid();
  }, 180_000);

  afterAll(async () => {
    // Whatever happened: Trino running again for the tests after this one.
    if (isAlive(pid)) process.kill(pid, 'SIGCONT');
    else await stackUp({ scale: 0.01, log: () => {} });
    await service?.stop();
  }, trinoService.readyTimeoutMs + 120_000);

  // Three phases, one test each, so each has the time its own waits allow: the last one restarts Trino,
  // which may take its whole readiness limit on a loaded machine (seen: more than 150 s at load 20).
  it(
    'answers 504 while Trino is frozen mid-query, and says degraded',
    async () => {
      // The stack's Trino may be cold, and slower than QUERY_TIMEOUT_MS on a busy machine: a 504 is not
      // cached, so asking again runs the query again, until Trino has warmed up.
      let before: Response;
      await waitUntil(async () => {
        before = await value('2025-01-01', '2025-02-01');
        return before.status !== 504;
      }, WARM_UP_MS);
      expect(before!.status).toBe(200);

      // Frozen: the query is sent and never answered; QUERY_TIMEOUT_MS turns it into a 504.
      process.kill(pid, 'SIGSTOP');
      const frozen = await value('2025-02-01', '2025-03-01');
      expect(frozen.status).toBe(504);
      expect(await errorOf(frozen)).toBe('query-timeout');
      const health = await fetch(`${service.url}/health`);
      expect(health.status).toBe(200); // Trino is not required for the service to be up
      expect(await health.json()).toMatchObject({
        service: 'degraded',
        storage: { trino: 'down', timescale: 'ok' },
      });
      expect((await fetch(`${service.url}/api/definitions/${CAC}`)).status).toBe(200);
    },
    WARM_UP_MS + 120_000,
  );

  it('answers 503 once Trino is killed with a query in flight, and stays up', async () => {
    const inFlight = value('2025-03-01', '2025-04-01');
    await new Promise((r) => setTimeout(r, 500));
    process.kill(pid, 'SIGKILL');
    const killed = await inFlight;
    expect([503, 504]).toContain(killed.status);
    expect(['engine-unavailable', 'query-timeout']).toContain(await errorOf(killed));
    await waitUntil(() => !isAlive(pid), 30_000);
    const gone = await value('2025-04-01', '2025-05-01');
    expect(gone.status).toBe(503);
    expect(gone.headers.get('retry-after')).toBe('5');
    expect(await errorOf(gone)).toBe('engine-unavailable');
    expect(service.child.exitCode).toBeNull();
  }, 120_000);

  it(
    'recovers when Trino returns: every range correct, the failed ones too, without a restart',
    async () => {
      // While Trino registers its node the service says 503, and while a cold Trino on a busy machine
      // takes longer than QUERY_TIMEOUT_MS it says 504 — never 500 — then it answers every range
      // correctly (nothing failed was cached).
      await stackUp({ scale: 0.01, log: () => {} });
      pid = trinoPid();
      const warmingUp = new Set([503, 504]);
      let starting: Response;
      await waitUntil(async () => {
        // /api/query is never cached: each probe really runs on Trino.
        starting = await postJson(`${service.url}/api/query`, {
          kpi: CAC,
          start: '2025-01-01',
          end: '2025-02-01',
        });
        return !warmingUp.has(starting.status);
      }, WARM_UP_MS);
      expect(starting!.status).toBe(200);
      for (const [start, end] of [
        ['2025-02-01', '2025-03-01'],
        ['2025-03-01', '2025-04-01'],
        ['2025-04-01', '2025-05-01'],
      ] as const) {
        // A 504 is Trino still slow (the answer is not cached, so the next try runs it again).
        let res = await value(start, end);
        while (res.status === 504) res = await value(start, end);
        expect(res.status, await res.clone().text()).toBe(200);
        expect(res.headers.get('x-cache')).toBe('miss');
        expect((await res.json()).value).toBeCloseTo(await cacOracle(stack, start, end), 6);
      }
      const list = await (await fetch(`${service.url}/api/definitions`)).json();
      expect(list.definitions.map((d: { id: string }) => d.id)).toContain(CAC);
      expect(await (await fetch(`${service.url}/health`)).json()).toMatchObject({
        service: 'ok',
        storage: { trino: 'ok' },
      });
    },
    trinoService.readyTimeoutMs + WARM_UP_MS + 120_000,
  );
});
