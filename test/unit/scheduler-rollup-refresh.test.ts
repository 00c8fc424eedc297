/** The scheduler's rollup refresh (pure scheduling; test/e2e/api-rollups.test.ts runs it on the stack). */
import { describe, expect, it } from 'vitest';
import { RollupRefresher } from '../../src/scheduler/rollup-refresh.ts';
import type { RollupInfo, RollupLoad } from '../../src/service/types.ts';

const info = (name: string, built: boolean): RollupInfo => ({
  name,
  on: 'payments.subscriptions',
  grain: 'day',
  timezone: 'UTC',
  dimensions: [],
  measures: ['sum(amount)'],
  state: built
    ? {
        watermark: '2026-07-01T00:00:00Z',
        loadedTo: '2026-07-01T00:00:00Z',
        builtAt: null,
        factRows: 1,
        aggRows: 1,
        sourceRows: null,
        materialization: 'table',
        revision: '0',
        checkedAt: null,
        verifiedAt: null,
        dirtyPartitions: [],
        sourceIdentity: null,
        captureSeen: null,
      }
    : null,
});

function admin(failing: ReadonlySet<string> = new Set()) {
  const calls: string[] = [];
  let release: () => void = () => {};
  const gate = new Promise<void>((r) => {
    release = r;
  });
  return {
    calls,
    release,
    rollups: {
      list: async () => [info('a', true), info('b', false), info('c', true)],
      refresh: async (name: string): Promise<RollupLoad> => {
        calls.push(name);
        await gate;
        if (failing.has(name)) throw new Error('trino down');
        return {
          name,
          from: null,
          to: '2026-07-02T00:00:00Z',
          factRows: 1,
          aggRows: 1,
          ms: 1,
          materialization: 'table',
          checked: { mode: 'window', from: null, partitions: 1, rowsScanned: 1, ms: 1 },
          repaired: [],
          reason: null,
        };
      },
    },
  };
}

describe('RollupRefresher', () => {
  it('refreshes the built rollups, names an unbuilt one once, and goes on past a failure', async () => {
    const a = admin(new Set(['a']));
    const lines: string[] = [];
    const refresher = new RollupRefresher({
      rollups: a.rollups,
      intervalMs: 60_000,
      log: (l) => lines.push(l),
    });
    a.release();
    expect(await refresher.pass()).toEqual({ refreshed: ['c'], failed: ['a'] });
    await refresher.pass();
    expect(a.calls).toEqual(['a', 'c', 'a', 'c']);
    expect(lines.filter((l) => l.includes('rollup b is not built'))).toHaveLength(1);
    expect(lines.some((l) => l.includes('rollup a not refreshed: trino down'))).toBe(true);
  });

  it('joins a pass that is still running instead of starting a second one', async () => {
    const a = admin();
    const refresher = new RollupRefresher({ rollups: a.rollups, intervalMs: 60_000 });
    const first = refresher.pass();
    const second = refresher.pass();
    expect(second).toBe(first);
    a.release();
    await first;
    expect(a.calls).toEqual(['a', 'c']);
  });

  it('on a captured change drops the answers over its table first, then refreshes the rollup; verifies on its own pass', async () => {
    const a = admin();
    a.release();
    const events: string[] = [];
    const refresher = new RollupRefresher({
      rollups: {
        ...a.rollups,
        captured: async () => [{ name: 'c', table: 'payments.subscriptions', first: false }],
        verify: async (name: string) => {
          events.push(`verify ${name}`);
          return a.rollups.refresh(name);
        },
      },
      intervalMs: 60_000,
      onCaptured: (tables) => {
        events.push(`drop ${tables.join(',')}`);
      },
    });
    expect(await refresher.capturePass()).toEqual(['c']);
    expect(events).toEqual(['drop payments.subscriptions']);
    expect(a.calls).toEqual(['c']);
    expect(await refresher.verifyPass()).toEqual({ refreshed: ['a', 'c'], failed: [] });
    expect(events.slice(1)).toEqual(['verify a', 'verify c']);
  });

  it('a capture log read for the first time only records the position: the refresh runs, no answer is dropped', async () => {
    const a = admin();
    a.release();
    const dropped: string[] = [];
    const refresher = new RollupRefresher({
      rollups: {
        ...a.rollups,
        captured: async () => [
          { name: 'a', table: 'payments.subscriptions', first: true },
          { name: 'c', table: 'shop.orders', first: false },
        ],
      },
      intervalMs: 60_000,
      onCaptured: (tables) => {
        dropped.push(...tables);
      },
    });
    expect(await refresher.capturePass()).toEqual(['a', 'c']);
    expect(dropped).toEqual(['shop.orders']);
    expect(a.calls).toEqual(['a', 'c']);
  });
});
