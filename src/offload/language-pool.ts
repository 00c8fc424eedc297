/**
 * Request-supplied KPI definitions analyzed on worker threads (see README.md). The answer is the same
 * plain data the language facade returns on the event loop, deep-frozen again after the copy.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import type { Catalog } from '../catalog/types.ts';
import type { KpiIR } from '../ir/kpi.ts';
import { deepFreeze } from '../shared/freeze.ts';
import type { LanguageAnswer, LanguageInit, LanguageTask, RegistryEntries } from './language-protocol.ts';
import { WorkerPool } from './worker-pool.ts';

export { PoolBusyError } from './worker-pool.ts';

export interface LanguagePoolOptions {
  readonly catalog: Catalog;
  /** Worker threads (LANGUAGE_WORKERS); at least 1. */
  readonly workers: number;
  /** Requests that may wait for a worker (LANGUAGE_QUEUE); more are refused at once. */
  readonly maxQueue: number;
}

/**
 * The worker's script: in a checkout, the TypeScript source through its tsx bootstrap; in a deployed
 * image without src/, the build's own `language-worker.mjs` (scripts/build.mjs).
 */
function workerScript(): URL {
  const source = new URL('./language-worker.mjs', import.meta.url);
  if (existsSync(fileURLToPath(source))) return source;
  const dist = new URL('../../dist/', import.meta.url);
  const { dir } = JSON.parse(readFileSync(new URL('current.json', dist), 'utf8')) as { dir: string };
  return new URL(`${dir}/language-worker.mjs`, dist);
}

export class LanguagePool {
  private readonly pool: WorkerPool<LanguageInit, LanguageTask, LanguageAnswer>;
  /** The entries sent for a registry, computed once per registry snapshot. */
  private readonly entries = new WeakMap<ReadonlyMap<string, KpiIR>, RegistryEntries>();

  constructor(o: LanguagePoolOptions) {
    this.pool = new WorkerPool({
      script: workerScript(),
      size: Math.max(1, o.workers),
      maxQueue: o.maxQueue,
      init: { catalog: o.catalog },
    });
  }

  get queued(): number {
    return this.pool.queued;
  }

  async analyze(task: LanguageTask, registry: ReadonlyMap<string, KpiIR>): Promise<LanguageAnswer> {
    let entries = this.entries.get(registry);
    if (!entries) {
      entries = [...registry];
      this.entries.set(registry, entries);
    }
    return deepFreeze(await this.pool.run(task, { key: registry, value: entries }));
  }

  close(): Promise<void> {
    return this.pool.close();
  }
}
