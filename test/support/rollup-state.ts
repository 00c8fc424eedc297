/**
 * Rollup states for the optimizer's unit tests: what the metrics store would say about a rollup that is
 * loaded and published up to a watermark, nothing dirty or stale. Each test changes what it is about.
 */
import type { RollupDef } from '../../src/ir/rollup.ts';
import { definitionText, type RollupState } from '../../src/rollup/state.ts';

const DAY = 86_400_000;

export function publishedState(
  rollup: RollupDef,
  watermark: string,
  over: Partial<RollupState> = {},
): RollupState {
  return {
    name: rollup.name,
    definition: definitionText(rollup),
    watermark,
    loadedTo: watermark,
    buildId: '1',
    revision: '0',
    builtAt: watermark,
    checkedAt: null,
    verifiedAt: null,
    factRows: 10,
    aggRows: 10,
    sourceRows: null,
    sourceStart: null,
    materialization: 'table',
    sourceIdentity: null,
    staleReason: null,
    dirty: [],
    captureSeen: null,
    ...over,
  };
}

/** The counts the cost tests measure against: 1,000 days of source rows (1,000 a day) before the watermark, in 10,000 rollup rows. */
export const thousandDays = (watermark: string): Partial<RollupState> => ({
  factRows: 10_000,
  aggRows: 10_000,
  sourceRows: 1_000_000,
  sourceStart: new Date(Date.parse(watermark) - 1_000 * DAY).toISOString(),
});
