/**
 * A fixed pool of worker threads with a bounded queue (see README.md). Tasks and answers are plain,
 * structured-cloneable data; each worker runs one task at a time, so a task's cost is paid off the
 * event loop and the queue bounds how much work can wait.
 */
// @ts-nocheck

import { Worker } from 'node:worker_threads';

/** The queue is full: the caller should retry later (503 with Retry-After at the HTTP edge). */
export class PoolBusyError extends Error {
  override readonly name = 'PoolBusyError';
  readonly code = 'busy';
}

export interface PoolOptions<Init> {
  readonly script: URL;
  readonly size: number;
  readonly maxQueue: number;
  /** Sent once to every worker as its workerData. */
  readonly init: Init;
}

interface Task<In, Out> {
  readonly input: In;
  /** What the worker must already hold for this task (e.g. a registry), sent only when it does not. */
  readonly context?: { readonly key: object; readonly value: unknown };
  resolve(value: Out): void;
  reject(error: Error): void;
}

interface Slot {
  worker: Worker;
  busy: Task<unknown, unknown> | null;
  /** The context object the worker holds now. */
  holds: WeakRef<object> | null;
}

interface Answer {
  readonly ok: boolean;
  readonly value?: unknown;
  readonly message?: string;
}

export class WorkerPool<Init, In, Out> {
  private readonly slots: Slot[] = [];
  private readonly queue: Task<In, Out>[] = [];
  private closed = false;

  constructor(private readonly o: PoolOptions<Init>) {
    for (let i = 0; i < o.size; i++) this.slots.push(this.spawn());
  }

  /** Tasks waiting for a worker now. */
  get queued(): number {
    return this.queue.length;
  }

  run(input: In, context?: Task<In, Out>['context']): Promise<Out> {
    if (this.closed) return Promise.reject(new Error('the worker pool is closed'));
    if (this.queue.length >= this.o.maxQueue) {
      return Promise.reject(
        new PoolBusyError(`${this.queue.length} requests are waiting to be analyzed; retry shortly`),
      );
    }
    return new Promise<Out>((resolve, reject) => {
      this.queue.push({ input, ...(context ? { context } : {}), resolve, reject });
      this.dispatch();
    });
  }

  async close(): Promise<void> {
    this.closed = true;
    for (const task of this.queue.splice(0)) task.reject(new Error('the worker pool is closed'));
    await Promise.all(this.slots.map((s) => s.worker.terminate()));
  }

  private spawn(): Slot {
    const worker = new Worker(this.o.script, { workerData: this.o.init });
    // An idle pool must never keep a CLI or a test process alive; a busy worker does (see dispatch).
    worker.unref();
    const slot: Slot = { worker, busy: null, holds: null };
    worker.on('message', (answer: Answer) => {
      const task = slot.busy;
      slot.busy = null;
      worker.unref();
      if (task) {
        if (answer.ok) task.resolve(answer.value);
        else task.reject(new Error(answer.message ?? 'the worker failed'));
      }
      this.dispatch();
    });
    worker.on('error', () => undefined); // reported through 'exit'
    worker.once('exit', (code) => {
      const task = slot.busy;
      slot.busy = null;
      task?.reject(new Error(`the worker stopped (exit code ${code})`));
      if (this.closed) return;
      const index = this.slots.indexOf(slot);
      if (index >= 0) this.slots[index] = this.spawn();
      this.dispatch();
    });
    return slot;
  }

  private dispatch(): void {
    for (const slot of this.slots) {
      if (this.queue.length === 0) return;
      if (slot.busy) continue;
      const task = this.queue.shift()!;
      slot.busy = task as Task<unknown, unknown>;
      slot.worker.ref();
      const context = task.context;
      const fresh = context && slot.holds?.deref() !== context.key;
      if (fresh) slot.holds = new WeakRef(context.key);
      slot.worker.postMessage({ input: task.input, ...(fresh ? { context: context.value } : {}) });
    }
  }
}
