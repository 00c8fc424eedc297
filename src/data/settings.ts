import { readFileSync } from 'node:fs';

export interface DemoDataSettings {
  readonly seed: number;
  /**
   * Span of the data, half-open [start, end), epoch ms. `end` here is the pinned end of the fixture
   * (2026-07-01: tests and the generator's fingerprint use it); loads default to `demoEnd()`.
   */
  readonly start: number;
  readonly end: number;
  readonly rowsAtScale1: Readonly<
    Record<'accounts' | 'subscriptions' | 'expenses' | 'events' | 'sessions', number>
  >;
}

const file = JSON.parse(readFileSync(new URL('../../fixtures/demo-data.json', import.meta.url), 'utf8'));

export const DEMO_DATA: DemoDataSettings = Object.freeze({
  seed: file.seed,
  start: Date.parse(file.start),
  end: Date.parse(file.end),
  rowsAtScale1: Object.freeze(file.rowsAtScale1),
});

const DAY = 86_400_000;

/**
 * Where loaded demo data ends: `DEMO_END` (a date or ISO instant; the test suite pins it to the
 * fixture's end) when set, else the start of the current UTC day — so "the last 30 days" of a fresh
 * service hold data, and the data set stays the same all day (snapshots and loaded sources are reused).
 * DEMO_LIVE rows continue it up to the present (src/data/live.ts).
 */
export function demoEnd(env: Readonly<Record<string, string | undefined>>, now = Date.now()): number {
  const pinned = env.DEMO_END?.trim();
  if (pinned) {
    const t = Date.parse(/^\d{4}-\d{2}-\d{2}$/.test(pinned) ? `${pinned}T00:00:00Z` : pinned);
    if (Number.isNaN(t))
      throw new Error(`DEMO_END ${pinned.slice(0, 40)} is not a date (YYYY-MM-DD) or an ISO instant`);
    if (t <= DEMO_DATA.start)
      throw new Error(
        `DEMO_END must be after the demo data's start, ${new Date(DEMO_DATA.start).toISOString()}`,
      );
    return t;
  }
  return Math.floor(now / DAY) * DAY;
}

/**
 * Bumped whenever the generator's rows change for the same seed and scale, so sources loaded by an older
 * generator are reloaded by `onlyIfEmpty` (markers written before versions existed count as 1).
 */
export const GENERATOR_VERSION = 2;

export type DemoTable = keyof DemoDataSettings['rowsAtScale1'];

/** Rows of `table` at `scale` (at least one, so tiny scales still have every table). */
export function rowsAt(table: DemoTable, scale: number): number {
  if (!(scale > 0)) throw new Error(`scale must be a positive number, got ${scale}`);
  return Math.max(1, Math.round(DEMO_DATA.rowsAtScale1[table] * scale));
}
