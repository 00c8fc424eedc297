/**
 * The demo that is alive, end to end: `npm start` with nothing configured generates the demo data up to
 * today (no DEMO_END), so the default range ("the last 30 days") holds data, and DEMO_LIVE appends rows
 * every few seconds: the latest value read through the cached metric route moves. Waits follow the
 * service's own answers (polling until the value moved), never a fixed sleep.
 */
// @ts-nocheck

import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { NOTHING_CONFIGURED, type RunningService, startService } from './api-support.ts';

const DAY = 86_400_000;

/** Polls `read` until `done` says so; the deadline is only a backstop for a stuck service. */
async function until<T>(
  read: () => Promise<T>,
  done: (value: T) => boolean,
  deadlineMs = 120_000,
): Promise<T> {
  const deadline = Date.now() + deadlineMs;
  for (;;) {
    const value = await read();
    if (done(value)) return value;
    if (Date.now() > deadline) throw new Error(`gave up waiting; last value ${JSON.stringify(value)}`);
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
}

describe('the embedded default is a live demo', () => {
  let service: RunningService;
  beforeAll(async () => {
    service = await startService({
      ...NOTHING_CONFIGURED,
      // As a user gets it: no pinned end, live rows on (the test suite turns both off by default).
      DEMO_END: '',
      DEMO_LIVE: '',
      DEMO_SCALE: '0.002',
      DEMO_LIVE_INTERVAL_MS: '500',
      CACHE_TTL_SECONDS: '1',
    });
  });
  afterAll(async () => {
    await service?.stop();
  });

  it('says it appends live rows, and the last 30 days are not empty', async () => {
    expect(service.output()).toMatch(/demo live rows: appended every 500 ms/);
    const res = await fetch(`${service.url}/api/metrics/new_subscriptions`);
    expect(res.status).toBe(200);
    const body = (await res.json()) as { value: number; range: { start: string; end: string } };
    expect(Date.parse(body.range.end)).toBeGreaterThan(Date.now() - DAY);
    expect(body.value).toBeGreaterThan(0);
  });

  it('moves the latest value: new subscriptions today grow while the service runs', async () => {
    const today = new Date(Math.floor(Date.now() / DAY) * DAY).toISOString().slice(0, 10);
    const tomorrow = new Date(Math.floor(Date.now() / DAY) * DAY + DAY).toISOString().slice(0, 10);
    const read = async () => {
      const res = await fetch(`${service.url}/api/metrics/new_subscriptions?start=${today}&end=${tomorrow}`);
      expect(res.status).toBe(200);
      return {
        value: ((await res.json()) as { value: number | null }).value ?? 0,
        cache: res.headers.get('x-cache'),
      };
    };
    const first = await until(read, (r) => r.value > 0);
    // A cached answer first, then (its TTL passed) a recomputed one with the rows that arrived meanwhile.
    const moved = await until(read, (r) => r.value > first.value);
    expect(moved.value).toBeGreaterThan(first.value);
    const later = await until(read, (r) => r.value > moved.value);
    expect(later.value).toBeGreaterThan(moved.value);
  });
});
