/**
 * `npm run bench -- hostile`: the generated hostile corpus (test/e2e/hostile-corpus.ts) against a
 * spawned `npm start` (embedded default) on a random port, three requests at a time, while /health is
 * probed every 100 ms. Counts crashes (the process gone or a connection refused) and 5xx answers.
 */
// @ts-nocheck

import { NOTHING_CONFIGURED, startService } from '../../e2e/api-support.ts';
import { corpus, send, serviceRss, watchHealth } from '../../e2e/hostile-corpus.ts';
import type { BenchResult } from '../types.ts';
import { percentile } from '../types.ts';

export async function run(): Promise<BenchResult> {
  const count = Number(process.env.BENCH_HOSTILE_COUNT ?? 500);
  const service = await startService({
    ...NOTHING_CONFIGURED,
    DEMO_SCALE: '0.01',
  });
  const health = watchHealth(service.url);
  const requests = corpus(count, Number(process.env.BENCH_HOSTILE_SEED ?? 20261201));
  let next = 0;
  let fiveXX = 0;
  let crashes = 0;
  let worst = 0;
  const started = performance.now();
  const worker = async () => {
    while (next < requests.length && crashes === 0) {
      const r = requests[next++]!;
      try {
        const res = await send(service.url, r);
        if (res.status >= 500) fiveXX++;
        worst = Math.max(worst, res.ms);
      } catch {
        if (service.child.exitCode !== null) crashes++;
        else fiveXX++;
      }
    }
  };
  await Promise.all([worker(), worker(), worker()]);
  const seconds = (performance.now() - started) / 1000;
  const rss = await serviceRss(service.url).catch(() => Number.NaN);
  const latencies = (await health.stop()).sort((a, b) => a - b);
  await service.stop();
  const p99 = percentile(latencies, 99);
  const table = [
    {
      inputs: next,
      'inputs/s': Number((next / seconds).toFixed(1)),
      crashes,
      '5xx': fiveXX,
      'slowest request ms': Math.round(worst),
      '/health probes': latencies.length,
      '/health p50 ms': Math.round(percentile(latencies, 50)),
      '/health p99 ms': Math.round(p99),
      '/health max ms': Math.round(latencies.at(-1) ?? Number.NaN),
      'RSS MiB': Math.round(rss / 1024 ** 2),
    },
  ];
  return {
    group: 'hostile',
    table,
    headline: `hostile: ${next} inputs, ${crashes} crashes, ${fiveXX} 5xx, /health p99 ${Math.round(p99)} ms`,
    results: table[0],
  };
}
