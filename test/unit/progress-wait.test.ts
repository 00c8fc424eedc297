import { describe, expect, it } from 'vitest';
import { untilSettled } from '../support/progress-wait.ts';

describe('untilSettled', () => {
  it('waits past the stall limit while the progress keeps changing, and returns the result', async () => {
    let n = 0;
    const started = Date.now();
    const result = await untilSettled(
      'counting',
      async () => {
        n++;
        return { result: n >= 12 ? `done at ${n}` : undefined, progress: n };
      },
      { stallMs: 30, pollMs: 10 },
    );
    expect(result).toBe('done at 12');
    // Twelve polls 10 ms apart outlast a 30 ms stall limit: only the moving progress kept it waiting.
    expect(Date.now() - started).toBeGreaterThan(30);
  });

  it('fails once the progress stops changing, naming the work and where it stood', async () => {
    let n = 0;
    await expect(
      untilSettled('the catch-up', async () => ({ progress: Math.min(++n, 3) }), { stallMs: 40, pollMs: 5 }),
    ).rejects.toThrow('the catch-up: no progress for 40 ms, stuck at 3');
  });

  it('counts a failing poll as no progress and reports its error', async () => {
    await expect(
      untilSettled(
        'a store that is down',
        async (): Promise<{ progress: number }> => {
          throw new Error('connection refused');
        },
        { stallMs: 20, pollMs: 5 },
      ),
    ).rejects.toThrow(/no progress for 20 ms.*last poll failed: connection refused/);
  });
});
