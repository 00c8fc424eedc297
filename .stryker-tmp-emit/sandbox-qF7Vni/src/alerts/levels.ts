/**
 * A KPI's alert level from its thresholds, with hysteresis. A threshold's comparison says which side is
 * bad (`warning > 250`: high is bad; `critical < 0.2`: low is bad). A value enters a level when it
 * crosses the line, and leaves it only when it is back on the good side by more than the band, so a
 * value wobbling at the line changes level once, not at every wobble.
 */
// @ts-nocheck

import type { Thresholds } from '../ir/kpi.ts';

export type AlertLevel = 'ok' | 'warning' | 'critical';
export type Threshold = NonNullable<Thresholds['warning']>;

export const SEVERITY: Readonly<Record<AlertLevel, number>> = Object.freeze({
  ok: 0,
  warning: 1,
  critical: 2,
});

const crosses = (value: number, op: Threshold['op'], line: number): boolean => {
  switch (op) {
    case '>':
      return value > line;
    case '>=':
      return value >= line;
    case '<':
      return value < line;
    case '<=':
      return value <= line;
  }
};

/**
 * The line a value held at this level must clear to leave it: moved towards the good side by `band`
 * (a fraction of the line's magnitude; an absolute `band` when the line is 0).
 */
function exitLine(t: Threshold, band: number): number {
  const width = t.value === 0 ? band : Math.abs(t.value) * band;
  return t.op === '>' || t.op === '>=' ? t.value - width : t.value + width;
}

/** Whether the value keeps (or puts) the KPI at this threshold's level, given where it was before. */
function holds(t: Threshold | undefined, value: number, wasAtOrAbove: boolean, band: number): boolean {
  if (!t) return false;
  if (crosses(value, t.op, t.value)) return true;
  return wasAtOrAbove && crosses(value, t.op, exitLine(t, band));
}

/**
 * The level after a new value. `band`: the hysteresis as a fraction of each line (0.02 = 2 %). A value
 * that is not a finite number (no data yet) keeps the previous level.
 */
export function nextLevel(
  previous: AlertLevel,
  value: number | null,
  thresholds: Thresholds,
  band: number,
): AlertLevel {
  if (value === null || !Number.isFinite(value)) return previous;
  const was = SEVERITY[previous];
  if (holds(thresholds.critical, value, was >= SEVERITY.critical, band)) return 'critical';
  if (holds(thresholds.warning, value, was >= SEVERITY.warning, band)) return 'warning';
  return 'ok';
}

/** The threshold a level was entered at (what an alert event names). */
export const thresholdOf = (level: AlertLevel, thresholds: Thresholds): Threshold | undefined =>
  level === 'ok' ? undefined : thresholds[level];

export const hasThresholds = (t: Thresholds | undefined): t is Thresholds =>
  t !== undefined && (t.warning !== undefined || t.critical !== undefined);
