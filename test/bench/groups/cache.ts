/**
 * cache: a cache-hit `GET /api/metrics/:kpiId` of the service against a bare Hono route doing one
 * ioredis GET of the same payload, both on one Redis, 50 connections each (autocannon), side by side
 * in one run. The servers run in a child process so load generation does not share their event loop.
 * Also: cold `/history` latency (distinct ranges, each a real miss) and the server's RSS afterwards.
 *
 * Run as `tsx test/bench/groups/cache.ts --serve REDIS_URL` it is that child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchResult } from '../types.ts';
import { percentile } from '../types.ts';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_CACHE_SECONDS ?? 10);
const METRIC_PATH = '/api/metrics/mrr?start=2025-01-01&end=2025-02-01';

async function freePort(): Promise<number> {
  return new Promise((resolve) => {
    const s = createServer().listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** The child: the service app on Redis, and the bare Hono + ioredis route serving the same bytes. */
async function serve(redisUrl: string): Promise<void> {
  const { serve: listen } = await import('@hono/node-server');
  const { Hono } = await import('hono');
  const { Redis } = await import('ioredis');
  const { buildService } = await import('../../../src/api/bootstrap.ts');
  const { loadConfig } = await import('../../../src/config/env.ts');
  // The real service: embedded store and demo data, the engine, and the cache on Redis.
  const service = await buildService(loadConfig({ REDIS_URL: redisUrl, CACHE_TTL_SECONDS: '3600' }));
  const h = service;
  const warm = await h.app.request(METRIC_PATH);
  const payload = await warm.text();
  const redis = new Redis(redisUrl);
  await redis.set('bench:bare', payload);
  const bare = new Hono();
  bare.get('/bare', async (c) =>
    c.body((await redis.get('bench:bare')) ?? '', 200, { 'Content-Type': 'application/json' }),
  );
  const servicePort = await freePort();
  const barePort = await freePort();
  listen({ fetch: h.app.fetch, port: servicePort, hostname: '127.0.0.1' });
  listen({ fetch: bare.fetch, port: barePort, hostname: '127.0.0.1' });
  process.on('message', (m) => {
    if (m === 'rss') process.send!({ rss: process.memoryUsage().rss });
  });
  process.send!({ servicePort, barePort, bytes: payload.length });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess | null }> {
  const { readStackEnv } = await import('../../../src/stack/env.ts');
  const fromStack = readStackEnv().REDIS_URL;
  if (fromStack) return { url: fromStack, child: null };
  const port = await freePort();
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', ''], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  await new Promise<void>((resolve) =>
    child.stdout!.on('data', (d: Buffer) => d.includes('Ready') && resolve()),
  );
  return { url: `redis://127.0.0.1:${port}`, child };
}

const load = (url: string) =>
  new Promise<autocannon.Result>((resolve, reject) =>
    autocannon({ url, connections: CONNECTIONS, duration: DURATION_S }, (error, result) =>
      error ? reject(error) : resolve(result),
    ),
  );

export async function run(): Promise<BenchResult> {
  const redis = await startRedis();
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', fileURLToPath(import.meta.url), '--serve', redis.url],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  try {
    const ports = await new Promise<{ servicePort: number; barePort: number; bytes: number }>(
      (resolve, reject) => {
        child.once('message', (m) => resolve(m as never));
        child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
      },
    );
    const service = `http://127.0.0.1:${ports.servicePort}`;
    // Warm-up, then measure each side in turn (same machine, same Redis).
    await load(`${service}${METRIC_PATH}`);
    const hit = await load(`${service}${METRIC_PATH}`);
    const bare = await load(`http://127.0.0.1:${ports.barePort}/bare`);
    const check = await fetch(`${service}${METRIC_PATH}`);
    if (check.headers.get('x-cache') !== 'hit') throw new Error('the measured route was not a cache hit');

    const cold: number[] = [];
    for (let day = 1; day <= 28; day++) {
      const d = String(day).padStart(2, '0');
      const t0 = performance.now();
      const res = await fetch(
        `${service}/api/metrics/mrr/history?start=2024-02-${d}&end=2025-02-${d}&aggregation=day`,
      );
      await res.text();
      cold.push(performance.now() - t0);
    }
    cold.sort((a, b) => a - b);
    child.send('rss');
    const { rss } = await new Promise<{ rss: number }>((resolve) =>
      child.once('message', (m) => resolve(m as never)),
    );

    const row = (name: string, r: autocannon.Result) => ({
      case: name,
      'req/s': Math.round(r.requests.average),
      'p50 ms': r.latency.p50,
      'p99 ms': r.latency.p99,
      errors: r.errors + r.non2xx,
      requests: r.requests.total,
    });
    const ratio = hit.requests.average / bare.requests.average;
    const table: Array<Record<string, string | number>> = [
      row('GET /api/metrics/:kpiId (cache hit)', hit),
      row('bare Hono + ioredis GET', bare),
      {
        case: 'cold /history, real engine on embedded PGlite (28 distinct ranges)',
        'p50 ms': percentile(cold, 50),
        'p99 ms': percentile(cold, 99),
      },
      { case: `service RSS after ${hit.requests.total + 28} requests`, 'RSS MiB': Math.round(rss / 2 ** 20) },
    ];
    return {
      group: 'cache',
      table,
      headline: `cache: ${ratio.toFixed(2)} of bare Hono+Redis throughput, p99 ${hit.latency.p99} ms (bare ${bare.latency.p99} ms), ${Math.round(hit.requests.average)} req/s at ${CONNECTIONS} connections, ${ports.bytes}-byte payload`,
      results: {
        hit,
        bare,
        coldHistoryMs: cold,
        rssBytes: rss,
        redis: redis.url,
        durationSeconds: DURATION_S,
      },
    };
  } finally {
    child.kill('SIGTERM');
    redis.child?.kill('SIGTERM');
  }
}

if (process.argv[2] === '--serve') await serve(process.argv[3]!);
