/** What a benchmark group returns; the runner prints `table`, saves everything, ends with `headline`. */
// @ts-nocheck

export interface BenchResult {
  readonly group: string;
  /** One row per measured case; columns are whatever the group measures. */
  readonly table: ReadonlyArray<Record<string, string | number>>;
  /** `GROUP: <headline figure> …` — printed as the very last line. */
  readonly headline: string;
  /** Machine-readable details, written to .bench/<group>.json. */
  readonly results: unknown;
}

/** Percentile of an ascending-sorted sample (nearest-rank). */
export function percentile(sorted: readonly number[], p: number): number {
  if (sorted.length === 0) return Number.NaN;
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}
