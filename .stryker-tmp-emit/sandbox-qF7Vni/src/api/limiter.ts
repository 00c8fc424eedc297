/**
 * Bounds concurrent engine work (MAX_CONCURRENT_CALCULATIONS). Callers beyond the limit queue; when
 * the queue is full too, the caller gets 429 at once rather than waiting behind a backlog.
 */
// @ts-nocheck

import { ApiError } from './errors.ts';

export class Limiter {
  private running = 0;
  private readonly queue: Array<() => void> = [];

  constructor(
    readonly max: number,
    readonly maxQueue: number = max * 50,
  ) {}

  get active(): number {
    return this.running;
  }

  async run<T>(fn: () => Promise<T>): Promise<T> {
    if (this.running >= this.max) {
      if (this.queue.length >= this.maxQueue) {
        throw new ApiError(
          429,
          'too-many-calculations',
          'too many calculations in progress; retry shortly',
          null,
          {
            'Retry-After': '1',
          },
        );
      }
      await new Promise<void>((resolve) => this.queue.push(resolve));
    } else {
      this.running++;
    }
    try {
      return await fn();
    } finally {
      const next = this.queue.shift();
      // Hand the slot straight to the next waiter, so `running` never dips below the true count.
      if (next) next();
      else this.running--;
    }
  }
}
