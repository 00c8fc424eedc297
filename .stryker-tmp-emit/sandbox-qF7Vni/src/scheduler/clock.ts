/**
 * The scheduler's sense of time, injectable: the system clock in the service, a manual clock in tests
 * (schedules across DST changes, downtime, lease expiry and backoff, without waiting for any of them).
 */
// @ts-nocheck

export interface Clock {
  now(): number;
  /** Calls `fn` once the clock reaches `at` (epoch ms); returns a function that cancels it. */
  at(at: number, fn: () => void): () => void;
}

/** setTimeout caps a delay at 2^31-1 ms (~24.8 days); a monthly schedule waits longer. */
const MAX_DELAY = 2_147_483_647;

export const systemClock: Clock = {
  now: () => Date.now(),
  at(at, fn) {
    let timer: NodeJS.Timeout | undefined;
    let cancelled = false;
    const arm = () => {
      const delay = at - Date.now();
      // Node may fire a timer a millisecond early: re-arm until the instant has really come.
      if (delay <= 0) return fn();
      timer = setTimeout(() => !cancelled && arm(), Math.min(delay, MAX_DELAY));
      timer.unref();
    };
    arm();
    return () => {
      cancelled = true;
      clearTimeout(timer);
    };
  },
};

/** A clock that moves only when told to; timers fire in time order as it passes them. */
export class ManualClock implements Clock {
  private timers: { at: number; fn: () => void; seq: number }[] = [];
  private seq = 0;

  constructor(private time: number) {}

  now(): number {
    return this.time;
  }

  at(at: number, fn: () => void): () => void {
    const timer = { at, fn, seq: this.seq++ };
    this.timers.push(timer);
    return () => {
      this.timers = this.timers.filter((t) => t !== timer);
    };
  }

  /** The next timer's instant, or null. */
  next(): number | null {
    return this.timers.reduce<number | null>((m, t) => (m === null || t.at < m ? t.at : m), null);
  }

  /**
   * Moves to `to`, firing each timer due on the way at its own instant (timers a fired one sets are
   * fired too when due). `between` runs after each firing (e.g. to let the work it started finish).
   */
  async advanceTo(to: number, between: () => Promise<void> = async () => {}): Promise<void> {
    while (true) {
      const due = this.timers.filter((t) => t.at <= to).sort((a, b) => a.at - b.at || a.seq - b.seq)[0];
      if (!due) break;
      this.timers = this.timers.filter((t) => t !== due);
      this.time = Math.max(this.time, due.at);
      due.fn();
      await between();
    }
    this.time = Math.max(this.time, to);
  }
}
