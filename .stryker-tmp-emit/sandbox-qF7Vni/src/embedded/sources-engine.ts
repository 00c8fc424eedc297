/**
 * The embedded demo sources, served from a worker thread (see README.md). The main thread only holds
 * the worker: every statement runs on the worker's thread, so a long query never blocks the service's
 * event loop, and `interrupt()` cancels it the only way PGlite allows — terminating the worker — then
 * serves a fresh copy from the snapshot on the same port, so the engine's connection URL stays valid.
 */
// @ts-nocheck

import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SourcesWorkerInput, SourcesWorkerMessage } from './sources-protocol.ts';

export interface SourcesOptions {
  readonly scale: number;
  /** Where the demo data ends (epoch ms). */
  readonly end: number;
  readonly snapshot: SourcesWorkerInput['snapshot'];
  readonly log?: (line: string) => void;
}

interface Running {
  readonly worker: Worker;
  readonly url: string;
  readonly port: number;
}

/** How long a restarted worker may retry binding its predecessor's port (the OS frees it at once, normally). */
const REBIND_DEADLINE_MS = 30_000;

/**
 * The worker's script. In a checkout, the TypeScript source through its tsx bootstrap (the build rewrites
 * `import.meta.url` to this source file's URL, so this holds under `npm start` too). A deployed image has
 * no src/: there the build's own `sources-worker.mjs` (scripts/build.mjs) in the current build.
 */
function workerScript(): URL {
  const source = new URL('./sources-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(source))) return source;
  const dist = new URL('../../dist/', import.meta.url);
  const { dir } = JSON.parse(readFileSync(new URL('current.json', dist), 'utf8')) as { dir: string };
  return new URL(`${dir}/sources-worker.mjs`, dist);
}

function startWorker(input: SourcesWorkerInput, log: (line: string) => void): Promise<Running> {
  const worker = new Worker(workerScript(), { workerData: input });
  return new Promise<Running>((resolve, reject) => {
    const onMessage = (message: SourcesWorkerMessage) => {
      switch (message.kind) {
        case 'ready':
          worker.off('message', onMessage);
          log(
            `embedded sources ready in ${message.ms} ms (${message.origin === 'snapshot' ? 'from the snapshot' : 'demo data generated'}) on a worker thread`,
          );
          resolve({ worker, url: message.url, port: message.port });
          break;
        case 'failed':
          void worker.terminate();
          reject(new Error(message.message));
          break;
        case 'log':
          log(message.line);
          break;
        case 'backend-failure':
          break;
      }
    };
    worker.on('message', onMessage);
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`the embedded sources worker exited (${code})`)));
  });
}

export class EmbeddedSources {
  private restarting: Promise<void> | null = null;
  private closed = false;

  private constructor(
    private running: Running,
    private readonly o: SourcesOptions,
    private readonly log: (line: string) => void,
  ) {
    this.watch(running);
  }

  static async start(o: SourcesOptions): Promise<EmbeddedSources> {
    const log = o.log ?? (() => {});
    const running = await startWorker({ scale: o.scale, end: o.end, port: 0, snapshot: o.snapshot }, log);
    return new EmbeddedSources(running, o, log);
  }

  /** postgresql://…@127.0.0.1:PORT/postgres — the same across restarts. */
  get url(): string {
    return this.running.url;
  }

  /** Worker restarts so far (timeouts, backend failures, unexpected exits). */
  restarts = 0;

  /**
   * Stops whatever the database is running and serves a fresh copy. Concurrent calls share one restart;
   * until it is done, connections are refused (the engine answers 503 engine-unavailable).
   */
  interrupt(reason = 'a query was canceled'): Promise<void> {
    if (this.closed) return Promise.resolve();
    this.restarting ??= this.restart(reason).finally(() => {
      this.restarting = null;
    });
    return this.restarting;
  }

  async close(): Promise<void> {
    this.closed = true;
    await this.restarting?.catch(() => {});
    await this.running.worker.terminate();
  }

  private watch(running: Running): void {
    running.worker.on('message', (message: SourcesWorkerMessage) => {
      if (message.kind === 'log') this.log(message.line);
      if (message.kind === 'backend-failure') void this.interrupt(`PGlite failed: ${message.message}`);
    });
    running.worker.once('exit', () => {
      if (!this.closed && this.running === running && !this.restarting) {
        void this.interrupt('the worker exited');
      }
    });
  }

  private async restart(reason: string): Promise<void> {
    const old = this.running;
    this.log(`embedded sources: ${reason}; restarting the worker`);
    await old.worker.terminate();
    const deadline = Date.now() + REBIND_DEADLINE_MS;
    for (;;) {
      try {
        const running = await startWorker(
          { scale: this.o.scale, end: this.o.end, port: old.port, snapshot: this.o.snapshot },
          this.log,
        );
        this.restarts += 1;
        if (this.closed) {
          await running.worker.terminate();
          return;
        }
        this.running = running;
        this.watch(running);
        return;
      } catch (error) {
        if (this.closed) return;
        const inUse = /EADDRINUSE/.test(String((error as Error).message));
        if (!inUse || Date.now() > deadline) {
          this.log(`embedded sources: restart failed: ${(error as Error).message}`);
          throw error;
        }
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  }
}
