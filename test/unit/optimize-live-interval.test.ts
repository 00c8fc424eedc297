/**
 * The live optimizer's re-reads of rollup_state on its interval, on fake timers: how many reads come
 * (one at start, then one an interval), none without an interval, none after close, and a failed
 * re-read with no one listening for errors stays quiet.
 */
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import { LiveOptimizer, type LiveOptimizerOptions } from '../../src/optimize/live.ts';
import { loadRollups } from '../../src/rollup/definitions.ts';
import type { RollupState } from '../../src/rollup/state.ts';
import { publishedState } from '../support/rollup-state.ts';

const catalog = loadCatalog();
const rollups = loadRollups(catalog);
const daily = rollups.find((r) => r.name === 'subscriptions_daily')!;
const published = new Map([[daily.name, publishedState(daily, '2026-07-01T00:00:00.000Z')]]);

/** A live optimizer over a counting reader; `fail` makes every read after the first throw. */
async function counted(over: Partial<LiveOptimizerOptions> = {}, fail = false) {
  let reads = 0;
  const live = await LiveOptimizer.start({
    catalog,
    rollups,
    readStates: async (): Promise<ReadonlyMap<string, RollupState>> => {
      reads++;
      if (fail && reads > 1) throw new Error('store gone');
      return published;
    },
    ...over,
  });
  return { live, reads: () => reads };
}

beforeEach(() => {
  vi.useFakeTimers();
});
afterEach(() => {
  vi.useRealTimers();
});

describe('LiveOptimizer re-reads', () => {
  it('reads once at start, then once each interval', async () => {
    const { live, reads } = await counted({ intervalMs: 1_000 });
    expect(reads()).toBe(1);
    await vi.advanceTimersByTimeAsync(3_500);
    expect(reads()).toBe(4);
    live.close();
  });

  it('never re-reads without an interval, or with an interval of 0', async () => {
    for (const intervalMs of [undefined, 0]) {
      const { live, reads } = await counted(intervalMs === undefined ? {} : { intervalMs });
      await vi.advanceTimersByTimeAsync(60_000);
      expect(reads(), `intervalMs ${intervalMs}`).toBe(1);
      live.close();
    }
  });

  it('stops re-reading once closed', async () => {
    const { live, reads } = await counted({ intervalMs: 1_000 });
    await vi.advanceTimersByTimeAsync(2_000);
    expect(reads()).toBe(3);
    live.close();
    await vi.advanceTimersByTimeAsync(10_000);
    expect(reads()).toBe(3);
  });

  it('keeps a failed re-read quiet when no one listens for errors, and keeps its context', async () => {
    // Without onError the failure must be swallowed: calling the missing listener would throw inside
    // the catch and leave a rejected promise no one handles.
    const unhandled: unknown[] = [];
    const record = (reason: unknown) => unhandled.push(reason);
    process.on('unhandledRejection', record);
    try {
      const { live, reads } = await counted({ intervalMs: 1_000 }, true);
      const context = live.context;
      await vi.advanceTimersByTimeAsync(2_000);
      // Real timers let Node report rejections left unhandled after the re-reads.
      vi.useRealTimers();
      await new Promise((resolve) => setTimeout(resolve, 20));
      expect(reads()).toBe(3);
      expect(unhandled).toEqual([]);
      expect(live.context).toBe(context);
      live.close();
    } finally {
      process.off('unhandledRejection', record);
    }
  });
});
