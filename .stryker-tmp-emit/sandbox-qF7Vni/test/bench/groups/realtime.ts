/**
 * `npm run bench -- realtime`: 1,000 Server-Sent Events subscribers on 20 `realtime` KPIs for 60 s,
 * against `npm start` on the embedded default with DEMO_LIVE on (an event row every 2 s, so every KPI's
 * value moves). Measures push latency from computation (the body's `computedAt`) to the subscriber,
 * the events delivered, and the service's CPU time and RSS over the run (found by its port in /proc).
 * REALTIME_BENCH_SUBSCRIBERS, REALTIME_BENCH_KPIS and REALTIME_BENCH_SECONDS change the load.
 */
// @ts-nocheck

import { NOTHING_CONFIGURED, startService } from '../../e2e/api-support.ts';
import { sseReader } from '../../support/sse.ts';
import { cpuMsOf, memoryOf, pidOnPort } from '../process.ts';
import type { BenchResult } from '../types.ts';
import { percentile } from '../types.ts';

const SUBSCRIBERS = Number(process.env.REALTIME_BENCH_SUBSCRIBERS ?? 1_000);
const KPIS = Number(process.env.REALTIME_BENCH_KPIS ?? 20);
const SECONDS = Number(process.env.REALTIME_BENCH_SECONDS ?? 60);
/** The seed's default interval. */
const INTERVAL_MS = 5_000;

/** Reads one subscriber's stream until `signal` aborts; records each pushed value's latency. */
async function subscribe(url: string, signal: AbortSignal, latencies: number[]): Promise<number> {
  let events = 0;
  try {
    const res = await fetch(url, { signal });
    if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
    const stream = sseReader(res);
    for (;;) {
      const e = await stream.next();
      const now = Date.now();
      if (e.event !== 'value') continue;
      // The first event is the latest value, computed before this subscriber came: not a push.
      if (events++ === 0) continue;
      latencies.push(now - Date.parse((JSON.parse(e.data!) as { computedAt: string }).computedAt));
    }
  } catch (error) {
    if (signal.aborted) return events;
    throw error;
  }
}

export async function run(): Promise<BenchResult> {
  const service = await startService({
    ...NOTHING_CONFIGURED,
    DEMO_LIVE: '1',
    DEMO_LIVE_INTERVAL_MS: '1000',
    REALTIME_INTERVAL_MS: String(INTERVAL_MS),
  });
  try {
    const ids = Array.from({ length: KPIS }, (_, i) => `rt_bench_${i}`);
    for (const [i, id] of ids.entries()) {
      // Distinct questions (each its own computation): the event count plus a constant.
      const res = await fetch(`${service.url}/api/definitions`, {
        method: 'POST',
        headers: { 'content-type': 'text/plain' },
        body: `kpi ${id} { formula: count(analytics.events) + ${i}\n schedule: realtime }`,
      });
      if (res.status !== 201) throw new Error(`creating ${id}: ${res.status} ${await res.text()}`);
    }
    const pid = pidOnPort(Number(new URL(service.url).port));
    if (pid === null) throw new Error('the service process was not found by its port');
    const before = { cpu: cpuMsOf(pid), ...memoryOf(pid) };
    const controller = new AbortController();
    const latencies: number[] = [];
    const streams = Array.from({ length: SUBSCRIBERS }, (_, i) =>
      subscribe(`${service.url}/api/metrics/${ids[i % KPIS]}/stream`, controller.signal, latencies),
    );
    const started = Date.now();
    await new Promise((r) => setTimeout(r, SECONDS * 1000));
    const after = { cpu: cpuMsOf(pid), ...memoryOf(pid) };
    const elapsed = Date.now() - started;
    controller.abort();
    const events = (await Promise.all(streams)).reduce((a, b) => a + b, 0);
    const metrics = await (await fetch(`${service.url}/metrics`)).text();
    const dropped = [...metrics.matchAll(/kpi_realtime_dropped_total\{reason="[^"]+"\} (\d+)/g)].reduce(
      (a, m) => a + Number(m[1]),
      0,
    );
    latencies.sort((a, b) => a - b);
    const p50 = percentile(latencies, 50);
    const p99 = percentile(latencies, 99);
    const cpuShare = (after.cpu - before.cpu) / elapsed;
    const table = [
      {
        subscribers: SUBSCRIBERS,
        kpis: KPIS,
        seconds: Math.round(elapsed / 1000),
        'events (first values + pushes)': events,
        pushes: latencies.length,
        'push p50 ms': p50,
        'push p99 ms': p99,
        'service CPU (cores)': Math.round(cpuShare * 100) / 100,
        'RSS before MiB': before.rss,
        'RSS after MiB': after.rss,
        'RSS peak MiB': after.peak,
        dropped,
      },
    ];
    return {
      group: 'realtime',
      table,
      headline: `realtime: ${SUBSCRIBERS} subscribers, p99 ${p99} ms push, RSS ${after.rss} MiB`,
      results: { latencies: { p50, p99, n: latencies.length }, before, after, events, dropped, elapsed },
    };
  } finally {
    await service.stop();
  }
}
