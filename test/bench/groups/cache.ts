/**
 * cache: a cache-hit `GET /api/metrics/:kpiId` of the service against a bare Hono route doing one
 * ioredis GET of the same payload, both on one Redis, 50 connections each (autocannon), side by side
 * in one run. The servers run in a child process so load generation does not share their event loop.
 * Also: cold `/history` latency (distinct ranges, each a real miss) and the server's memory
 * (process.memoryUsage()) at each stage: started, after buildService (the two PGlite WASM instances
 * with the demo data), after the warm-up load, after all the load, each also after a forced GC — the
 * child runs with --expose-gc. heapUsed after GC that stays flat while requests pile up means no leak:
 * the RSS seen under load is V8 heap headroom plus PGlite's WASM memory, not retained objects.
 * BENCH_CACHE_HEAP_SNAPSHOT=DIR also writes a heap snapshot of the child after the load and a GC.
 *
 * Run as `node --expose-gc --import tsx test/bench/groups/cache.ts --serve REDIS_URL` it is that child.
 */
import { type ChildProcess, spawn } from 'node:child_process';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import autocannon from 'autocannon';
import type { BenchResult } from '../types.ts';
import { percentile } from '../types.ts';

const CONNECTIONS = 50;
const DURATION_S = Number(process.env.BENCH_CACHE_SECONDS ?? 10);
const METRIC_PATH = '/api/metrics/mrr?start=2025-01-01&end=2025-02-01';

const MIB = 2 ** 20;
const SNAPSHOT_DIR = process.env.BENCH_CACHE_HEAP_SNAPSHOT;

type Memory = Pick<NodeJS.MemoryUsage, 'rss' | 'heapTotal' | 'heapUsed' | 'external' | 'arrayBuffers'>;

/** A memory request to the child: measure now, or after a full GC (and optionally write a snapshot). */
interface MemoryAsk {
  readonly op: 'memory';
  readonly gc: boolean;
  readonly snapshot?: string;
}

async function memory(gc: boolean, snapshot?: string): Promise<Memory> {
  if (gc) {
    const collect = (globalThis as { gc?: () => void }).gc;
    if (!collect) throw new Error('the bench server must run with --expose-gc');
    // Twice, with a turn of the event loop between: the first pass can leave finalizers to run.
    collect();
    await new Promise((resolve) => setImmediate(resolve));
    collect();
  }
  const { rss, heapTotal, heapUsed, external, arrayBuffers } = process.memoryUsage();
  // After measuring: writing a snapshot itself costs memory.
  if (snapshot) (await import('node:v8')).writeHeapSnapshot(snapshot);
  return { rss, heapTotal, heapUsed, external, arrayBuffers };
}

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
  const started = await memory(true);
  // The real service: embedded store and demo data, the engine, and the cache on Redis.
  const { mkdtempSync } = await import('node:fs');
  const { tmpdir } = await import('node:os');
  const h = await buildService(
    loadConfig({
      REDIS_URL: redisUrl,
      CACHE_TTL_SECONDS: '3600',
      // Live rows would make each measured answer a different one.
      DEMO_LIVE: '0',
      KPI_DATA_DIR: mkdtempSync(join(tmpdir(), 'kpi-bench-cache-')),
    }),
  );
  // Mostly the two PGlite WASM instances (their linear memory is an ArrayBuffer: `arrayBuffers`).
  const built = await memory(true);
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
  process.on('message', (m: MemoryAsk) => {
    if (m.op === 'memory') void memory(m.gc, m.snapshot).then((mem) => process.send!(mem));
  });
  process.send!({ servicePort, barePort, bytes: payload.length, started, built });
}

async function startRedis(): Promise<{ url: string; child: ChildProcess | null }> {
  const { readStackEnv } = await import('../../../src/config/stack-env.ts');
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

const mib = (bytes: number) => Math.round(bytes / MIB);

const memoryRow = (stage: string, requests: number | string, m: Memory) => ({
  case: `memory: ${stage}`,
  requests,
  'rss MiB': mib(m.rss),
  'heapTotal MiB': mib(m.heapTotal),
  'heapUsed MiB': mib(m.heapUsed),
  'external MiB': mib(m.external),
  'arrayBuffers MiB': mib(m.arrayBuffers),
});

export async function run(): Promise<BenchResult> {
  const redis = await startRedis();
  const child = spawn(
    process.execPath,
    ['--expose-gc', '--import', 'tsx', fileURLToPath(import.meta.url), '--serve', redis.url],
    {
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    },
  );
  try {
    const ports = await new Promise<{
      servicePort: number;
      barePort: number;
      bytes: number;
      started: Memory;
      built: Memory;
    }>((resolve, reject) => {
      child.once('message', (m) => resolve(m as never));
      child.once('exit', (code) => reject(new Error(`bench server exited ${code}`)));
    });
    const measure = (gc: boolean, snapshot?: string) => {
      const ask: MemoryAsk = { op: 'memory', gc, ...(snapshot ? { snapshot } : {}) };
      child.send(ask);
      return new Promise<Memory>((resolve) => child.once('message', (m) => resolve(m as Memory)));
    };
    const service = `http://127.0.0.1:${ports.servicePort}`;
    // Warm-up, then measure each side in turn (same machine, same Redis).
    const warm = await load(`${service}${METRIC_PATH}`);
    const warmed = await measure(false);
    const warmedGc = await measure(true);
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
    const loaded = await measure(false);
    const snapshot = SNAPSHOT_DIR ? join(SNAPSHOT_DIR, `cache-${Date.now()}.heapsnapshot`) : undefined;
    const loadedGc = await measure(true, snapshot);
    // Requests the child served, both servers together (the bare route shares its heap and event loop).
    const serviceRequests = warm.requests.total + hit.requests.total + 1 + 28;
    const allRequests = serviceRequests + bare.requests.total;

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
      memoryRow('modules loaded (GC)', 0, ports.started),
      memoryRow('after buildService: PGlite x2 + demo data (GC)', 0, ports.built),
      memoryRow('after warm-up, before load', warm.requests.total, warmed),
      memoryRow('after warm-up, before load (GC)', warm.requests.total, warmedGc),
      memoryRow('after load: service + bare', `${serviceRequests} + ${bare.requests.total}`, loaded),
      memoryRow('after load: service + bare (GC)', `${serviceRequests} + ${bare.requests.total}`, loadedGc),
    ];
    return {
      group: 'cache',
      table,
      headline: `cache: ${ratio.toFixed(2)} of bare Hono+Redis throughput, p99 ${hit.latency.p99} ms (bare ${bare.latency.p99} ms), ${Math.round(hit.requests.average)} req/s at ${CONNECTIONS} connections, ${ports.bytes}-byte payload, RSS ${mib(loaded.rss)} MiB (heap after GC ${mib(loadedGc.heapUsed)} MiB) after ${allRequests} requests`,
      results: {
        hit,
        bare,
        coldHistoryMs: cold,
        memory: {
          started: ports.started,
          built: ports.built,
          warmed,
          warmedGc,
          loaded,
          loadedGc,
          requests: { warmUp: warm.requests.total, service: serviceRequests, bare: bare.requests.total },
          heapSnapshot: snapshot ?? null,
        },
        rssBytes: loaded.rss,
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
