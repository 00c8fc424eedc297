/**
 * The realtime hub on its own (pure code, fake timers): one computation per question however many
 * listen, the latest answer at once for a newcomer, what was missed for a reconnecting client, a slow
 * client dropped, the loop stopped when nobody listens, limits refused.
 */
// @ts-nocheck

import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import {
  type Computed,
  type DropReason,
  type RealtimeEvent,
  RealtimeHub,
  RealtimeLimitError,
  type TopicSpec,
} from '../../src/realtime/hub.ts';

const INTERVAL = 1_000;

/** A question whose answer is whatever `value` holds when it is computed; counts its computations. */
function question(key = 'mrr?{}') {
  const state = { value: 1, computations: 0, fail: null as string | null };
  const spec: TopicSpec = {
    key,
    intervalMs: INTERVAL,
    compute: async (): Promise<Computed> => {
      state.computations++;
      if (state.fail) throw new Error(state.fail);
      const data = JSON.stringify({ value: state.value });
      return { type: 'value', data, fingerprint: data };
    },
  };
  return { spec, state };
}

function client(capacity = Number.POSITIVE_INFINITY) {
  const events: RealtimeEvent[] = [];
  const closed: DropReason[] = [];
  return {
    events,
    closed,
    values: () => events.filter((e) => e.type === 'value').map((e) => JSON.parse(e.data).value as number),
    send: (e: RealtimeEvent) => {
      if (events.length >= capacity) return false;
      events.push(e);
      return true;
    },
    close: (reason: DropReason) => closed.push(reason),
  };
}

const hub = (o: Partial<ConstructorParameters<typeof RealtimeHub>[0]> = {}) =>
  new RealtimeHub({ maxTopics: 10, maxSubscribers: 100, historySize: 4, ...o });

/** Lets the computation promise chain settle, then moves the clock by `ms`. */
async function advance(ms: number) {
  await vi.advanceTimersByTimeAsync(ms);
}

describe('realtime hub', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('computes a question once per interval however many listen, and pushes only news, in order', async () => {
    const h = hub();
    const { spec, state } = question();
    const clients = Array.from({ length: 50 }, () => client());
    for (const c of clients) h.subscribe(spec, c);
    await advance(0);
    expect(state.computations).toBe(1);
    await advance(INTERVAL); // same value: not pushed again
    expect(state.computations).toBe(2);
    state.value = 2;
    await advance(INTERVAL);
    state.value = 3;
    await advance(INTERVAL);
    expect(state.computations).toBe(4);
    for (const c of clients) {
      expect(c.values()).toEqual([1, 2, 3]);
      const ids = c.events.map((e) => e.id);
      expect(ids).toEqual([...ids].sort((a, b) => a - b));
      expect(new Set(ids).size).toBe(3);
    }
  });

  it('gives a newcomer the latest answer at once, and a reconnecting client what it missed', async () => {
    const h = hub();
    const { spec, state } = question();
    const first = client();
    h.subscribe(spec, first);
    await advance(0);
    state.value = 2;
    await advance(INTERVAL);
    const late = client();
    h.subscribe(spec, late);
    expect(late.values()).toEqual([2]); // before any new computation

    const seen = first.events[0]!.id; // it saw 1, then went away
    state.value = 3;
    await advance(INTERVAL);
    const back = client();
    h.subscribe(spec, back, seen);
    expect(back.values()).toEqual([2, 3]);

    const stranger = client(); // an id from before a restart: the latest only
    h.subscribe(spec, stranger, 12345);
    expect(stranger.values()).toEqual([3]);
  });

  it('stops computing when the last subscriber leaves, and starts afresh for the next', async () => {
    const h = hub();
    const { spec, state } = question();
    const leaveA = h.subscribe(spec, client());
    const leaveB = h.subscribe(spec, client());
    await advance(0);
    leaveA();
    await advance(INTERVAL);
    expect(state.computations).toBe(2);
    leaveB();
    expect(h.stats).toEqual({ topics: 0, subscribers: 0 });
    await advance(10 * INTERVAL);
    expect(state.computations).toBe(2);
    const again = client();
    h.subscribe(spec, again);
    await advance(0);
    expect(state.computations).toBe(3);
    expect(again.values()).toEqual([1]);
  });

  it('drops a client that does not keep up, with the reason, and keeps serving the others', async () => {
    const drops: DropReason[] = [];
    const h = hub({ onDrop: (r) => drops.push(r) });
    const { spec, state } = question();
    const slow = client(2);
    const fast = client();
    h.subscribe(spec, slow);
    h.subscribe(spec, fast);
    for (let v = 2; v <= 5; v++) {
      await advance(INTERVAL);
      state.value = v;
    }
    await advance(INTERVAL);
    expect(slow.closed).toEqual(['slow-client']);
    expect(slow.events).toHaveLength(2);
    expect(drops).toEqual(['slow-client']);
    expect(fast.values()).toEqual([1, 2, 3, 4, 5]);
    expect(h.stats.subscribers).toBe(1);
  });

  it('pushes an error as an event and goes on; the next good answer follows', async () => {
    const h = hub();
    const { spec, state } = question();
    const c = client();
    h.subscribe(spec, c);
    await advance(0);
    state.fail = 'Trino is down';
    await advance(INTERVAL);
    await advance(INTERVAL); // the same error is not repeated
    state.fail = null;
    state.value = 7;
    await advance(INTERVAL);
    expect(c.events.map((e) => e.type)).toEqual(['value', 'error', 'value']);
    expect(JSON.parse(c.events[1]!.data).error.message).toBe('Trino is down');
    expect(c.values()).toEqual([1, 7]);
  });

  it('refuses questions and subscribers beyond its limits, and lets everyone go at close', async () => {
    const h = hub({ maxTopics: 2, maxSubscribers: 3 });
    const a = question('a');
    const b = question('b');
    h.subscribe(a.spec, client());
    h.subscribe(b.spec, client());
    expect(() => h.subscribe(question('c').spec, client())).toThrow(RealtimeLimitError);
    const last = client();
    h.subscribe(a.spec, last);
    expect(() => h.subscribe(a.spec, client())).toThrow(RealtimeLimitError);
    h.close();
    expect(last.closed).toEqual(['shutdown']);
    expect(h.stats).toEqual({ topics: 0, subscribers: 0 });
    await advance(10 * INTERVAL);
    expect(a.state.computations).toBe(1);
  });
});
