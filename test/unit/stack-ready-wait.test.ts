/**
 * The stack's readiness wait: a limit on a fair machine, stretched while the server still works (a
 * loaded machine), cut short when it sits idle (stuck) or exits. CPU time is read through a stand-in so
 * each case is exact; the real reading is checked against this process.
 */
import { describe, expect, it } from 'vitest';
import { BUSY_LIMIT_FACTOR, cpuTicks, waitUntilReady } from '../../src/stack/process.ts';

const LIMIT = 300;
const alive = process.pid;

/** A probe that answers true from the n-th call on. */
const readyAfter = (calls: number) => {
  let n = 0;
  return async () => ++n >= calls;
};
/** CPU time that grows on every reading (a server at work). */
const working = () => {
  let t = 0;
  return () => (t += 1);
};

describe('waitUntilReady', () => {
  it('returns once the probe answers', async () => {
    await expect(
      waitUntilReady('svc', readyAfter(2), { timeoutMs: LIMIT, pid: alive, ticksOf: () => 7 }),
    ).resolves.toBeUndefined();
  });

  it('fails at its limit when the server does no work', async () => {
    await expect(
      waitUntilReady('svc', readyAfter(Number.POSITIVE_INFINITY), {
        timeoutMs: LIMIT,
        pid: alive,
        ticksOf: () => 7,
      }),
    ).rejects.toThrow(/^svc not ready after \d+s, \d+s without using the CPU$/);
  });

  it('waits past its limit while the server keeps working, and it becomes ready', async () => {
    const t0 = Date.now();
    // Ready on the 5th probe, 4 × 250 ms after the start: past the limit, within the busy limit.
    await expect(
      waitUntilReady('svc', readyAfter(5), { timeoutMs: LIMIT, pid: alive, ticksOf: working() }),
    ).resolves.toBeUndefined();
    expect(Date.now() - t0).toBeGreaterThan(LIMIT);
    // The same server doing no work is given up at the limit.
    await expect(
      waitUntilReady('svc', readyAfter(5), { timeoutMs: LIMIT, pid: alive, ticksOf: () => 7 }),
    ).rejects.toThrow(/without using the CPU/);
  });

  it('gives up on a server that works forever at the busy limit', async () => {
    const t0 = Date.now();
    await expect(
      waitUntilReady('svc', readyAfter(Number.POSITIVE_INFINITY), {
        timeoutMs: LIMIT,
        pid: alive,
        ticksOf: working(),
      }),
    ).rejects.toThrow(/^svc not ready after \d+s, busy throughout$/);
    expect(Date.now() - t0).toBeGreaterThan(BUSY_LIMIT_FACTOR * LIMIT);
  });

  it('without a process to watch, the limit is the limit', async () => {
    await expect(
      waitUntilReady('svc', readyAfter(Number.POSITIVE_INFINITY), { timeoutMs: LIMIT, ticksOf: working() }),
    ).rejects.toThrow(/^svc not ready after \d+s$/);
  });

  it('reads the CPU time a process has used, which grows while it works', () => {
    const before = cpuTicks(process.pid);
    expect(before).toBeTypeOf('number');
    const until = Date.now() + 100;
    let spin = 0;
    while (Date.now() < until) spin++;
    expect(spin).toBeGreaterThan(0);
    expect(cpuTicks(process.pid)!).toBeGreaterThan(before!);
    expect(cpuTicks(2 ** 22 + 1)).toBeUndefined(); // above pid_max: no such process
  });
});
