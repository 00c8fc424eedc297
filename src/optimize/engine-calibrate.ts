/**
 * Keeps the engine costs that choose between a split plan and one Trino statement (split.ts's
 * EngineCosts) fresh from the runtimes a running service observes, as calibrate.ts does for the row cost:
 * - one-statement Trino runs fit `ms ≈ trinoFixedMs + trinoRowMs × rows` by weighted least squares
 *   (rows read by estimate; older runs fade by FORGET a run) — Trino's fixed cost differs most between
 *   machines and loads;
 * - direct runs (one statement on PostgreSQL/TimescaleDB) and split runs scale the direct costs by the
 *   fading geometric mean of observed / estimated time (their model has one part per connection at most
 *   running side by side, so a ratio is what one wall time can tell).
 * Runs whose reads cannot be estimated (windows, tables no rollup with recorded counts describes) are
 * not observations. The fitted costs are used once enough runs of the kind were seen, clamped so one
 * odd run cannot flip every plan.
 */
import { DEFAULT_ENGINE_COSTS } from './split.ts';
import type { EngineCosts, FittedEngineCosts } from './types.ts';

export const FORGET = 0.97;
export const MIN_TRINO_RUNS = 6;
export const MIN_DIRECT_RUNS = 4;
/** Direct costs move at most this factor either way from the defaults. */
export const MAX_DIRECT_SCALE = 20;
const UNIT = 1e6;

export const DEFAULT_FITTED: FittedEngineCosts = Object.freeze({
  costs: DEFAULT_ENGINE_COSTS,
  basis: 'default',
});

export class EngineCostCalibration {
  // Weighted sums for the Trino line: Σw, Σx, Σy, Σxx, Σxy (x in millions of rows, y in ms).
  private w = 0;
  private x = 0;
  private y = 0;
  private xx = 0;
  private xy = 0;
  private trinoRuns = 0;
  private logRatio = 0;
  private ratioWeight = 0;
  private directRuns = 0;

  /** A one-statement Trino run that read `rows` (by estimate) in `ms`. */
  observeTrino(rows: number, ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0 || !(rows >= 0)) return;
    const x = rows / UNIT;
    this.w = this.w * FORGET + 1;
    this.x = this.x * FORGET + x;
    this.y = this.y * FORGET + ms;
    this.xx = this.xx * FORGET + x * x;
    this.xy = this.xy * FORGET + x * ms;
    this.trinoRuns++;
  }

  /** A direct or split run that took `ms` where the default costs estimated `estimateMs`. */
  observeDirect(estimateMs: number, ms: number): void {
    if (!Number.isFinite(ms) || ms <= 0 || !(estimateMs > 0)) return;
    this.logRatio = this.logRatio * FORGET + Math.log(ms / estimateMs);
    this.ratioWeight = this.ratioWeight * FORGET + 1;
    this.directRuns++;
  }

  /** The costs fitted so far (defaults for what too few runs tell), or null when nothing is fitted yet. */
  current(): FittedEngineCosts | null {
    const d = DEFAULT_ENGINE_COSTS;
    const parts: string[] = [];
    let trino = { fixed: d.trinoFixedMs, row: d.trinoRowMs };
    if (this.trinoRuns >= MIN_TRINO_RUNS) {
      const spread = this.w * this.xx - this.x * this.x;
      // Rows too alike to tell a slope: keep the default per row and fit the fixed cost alone.
      let slope =
        spread > 1e-9 * this.w * this.w ? (this.w * this.xy - this.x * this.y) / spread / UNIT : NaN;
      if (!(slope >= 0)) slope = d.trinoRowMs;
      const fixed = (this.y - slope * UNIT * this.x) / this.w;
      trino = { fixed: Math.max(1, fixed), row: slope };
      parts.push(`${this.trinoRuns} trino runs`);
    }
    let scale = 1;
    if (this.directRuns >= MIN_DIRECT_RUNS) {
      const k = Math.exp(this.logRatio / this.ratioWeight);
      scale = Math.min(MAX_DIRECT_SCALE, Math.max(1 / MAX_DIRECT_SCALE, k));
      parts.push(`${this.directRuns} direct or split runs`);
    }
    if (parts.length === 0) return null;
    return Object.freeze({
      costs: Object.freeze({
        trinoFixedMs: trino.fixed,
        trinoRowMs: trino.row,
        directFixedMs: d.directFixedMs * scale,
        directRowMs: Object.freeze({
          postgres: d.directRowMs.postgres * scale,
          timescale: d.directRowMs.timescale * scale,
        }),
      }),
      basis: `fitted from ${parts.join(' and ')}`,
    });
  }
}

/** Have the costs moved enough (by more than `step` in any figure) to choose plans again? */
export function costsMoved(a: EngineCosts, b: EngineCosts, step: number): boolean {
  const pairs: [number, number][] = [
    [a.trinoFixedMs, b.trinoFixedMs],
    [a.trinoRowMs, b.trinoRowMs],
    [a.directFixedMs, b.directFixedMs],
  ];
  return pairs.some(([x, y]) => x > 0 && y > 0 && Math.abs(Math.log(x / y)) > Math.log(step));
}
