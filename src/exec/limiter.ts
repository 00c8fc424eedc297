/** The queue is full: the caller should retry shortly rather than wait behind a backlog. */
export class QueueFullError extends Error {
  override readonly name = 'QueueFullError';
  constructor() {
    super('too many calculations in progress; retry shortly');
  }
}

/**
 * At most `max` calculations at once; the rest wait in FIFO order (MAX_CONCURRENT_CALCULATIONS). With
 * `maxQueue`, a caller arriving when that many already wait is refused at once (QueueFullError).
 */
export class Semaphore {
  private running = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly maxQueue: number = Number.POSITIVE_INFINITY,
  ) {
    if (!(max >= 1)) throw new Error(`concurrency limit must be at least 1, got ${max}`);
  }

  get active(): number {
    return this.running;
  }
  get queued(): number {
    return this.waiting.length;
  }

  async run<T>(task: () => Promise<T>, signal?: AbortSignal): Promise<T> {
    if (this.running >= this.max) {
      if (this.waiting.length >= this.maxQueue) throw new QueueFullError();
      await new Promise<void>((resolve, reject) => {
        const go = () => {
          signal?.removeEventListener('abort', cancel);
          resolve();
        };
        const cancel = () => {
          const i = this.waiting.indexOf(go);
          if (i >= 0) this.waiting.splice(i, 1);
          reject(signal?.reason ?? new Error('canceled while queued'));
        };
        signal?.addEventListener('abort', cancel, { once: true });
        this.waiting.push(go);
      });
    } else {
      this.running++;
    }
    try {
      return await task();
    } finally {
      const next = this.waiting.shift();
      // Hand the slot straight to the next waiter, so `running` never dips below the true count.
      if (next) next();
      else this.running--;
    }
  }
}
