/**
 * Waiting for background work on a shared, loaded machine: a fixed deadline fails a run that is only
 * slow (two scheduler instances catching up 160 days took longer than 300 s at load 20). This waits as
 * long as the work moves — what `poll` reports as progress changes at least once every `stallMs` — and
 * fails soon after it stops moving, saying where it stood.
 */
export interface Poll<T> {
  /** Set when the wait is over. */
  readonly result?: T | undefined;
  /** Anything that changes while the work moves (a count of buckets done, a state). */
  readonly progress: unknown;
}

export async function untilSettled<T>(
  what: string,
  poll: () => Promise<Poll<T>>,
  { stallMs = 120_000, pollMs = 250 }: { readonly stallMs?: number; readonly pollMs?: number } = {},
): Promise<T> {
  let last = '(not read yet)';
  let movedAt = Date.now();
  for (;;) {
    let failure = '';
    try {
      const seen = await poll();
      if (seen.result !== undefined) return seen.result;
      const now = JSON.stringify(seen.progress);
      if (now !== last) {
        last = now;
        movedAt = Date.now();
      }
    } catch (error) {
      // A poll that fails (the store busy, the service restarting) is no progress, and no failure yet.
      failure = `; last poll failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    if (Date.now() - movedAt > stallMs) {
      throw new Error(`${what}: no progress for ${stallMs} ms, stuck at ${last}${failure}`);
    }
    await new Promise((r) => setTimeout(r, pollMs));
  }
}
