/**
 * What a source holds before a load — nothing, the demo data at some scale and seed, an interrupted
 * load, or rows we did not load — and whether `onlyIfEmpty` leaves it alone.
 */
import { assertNever } from '../ir/kpi.ts';
import type { DemoDataSet } from './generate.ts';
import { GENERATOR_VERSION } from './settings.ts';

/** What a source holds: nothing, the demo data at some scale and seed, or rows we did not load. */
export type SourceState =
  | { readonly kind: 'empty' }
  | {
      readonly kind: 'demo';
      readonly scale: number;
      readonly seed: number;
      readonly version: number;
      /** Where the loaded data ends; markers written before ends were recorded held the pinned end. */
      readonly end: number;
    }
  /** A load that started and never finished (MongoDB has no transaction around it). */
  | { readonly kind: 'partial' }
  | { readonly kind: 'foreign' };

/** Whether `onlyIfEmpty` leaves a source alone: it holds this very data set, or data we did not load. */
export function keep(state: SourceState, data: DemoDataSet): string | null {
  switch (state.kind) {
    case 'empty':
    case 'partial':
      return null;
    case 'demo':
      return state.scale === data.scale &&
        state.seed === data.seed &&
        state.version === GENERATOR_VERSION &&
        state.end === data.end
        ? `already hold the demo data at scale ${data.scale} (seed ${data.seed}, ending ${new Date(data.end).toISOString().slice(0, 10)}); left as they are`
        : null;
    case 'foreign':
      return 'hold rows not loaded by the demo data loader; left as they are';
    default:
      return assertNever(state);
  }
}

export function describe(state: SourceState): string {
  switch (state.kind) {
    case 'empty':
      return 'are empty';
    case 'partial':
      return 'hold an interrupted load';
    case 'demo':
      return `hold the demo data at scale ${state.scale} (seed ${state.seed}, generator ${state.version}, ending ${new Date(state.end).toISOString().slice(0, 10)})`;
    case 'foreign':
      return 'hold rows not loaded by the demo data loader';
    default:
      return assertNever(state);
  }
}
