import { readFileSync } from 'node:fs';

export interface DemoDataSettings {
  readonly seed: number;
  /** Span of the data, half-open [start, end), epoch ms. */
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
