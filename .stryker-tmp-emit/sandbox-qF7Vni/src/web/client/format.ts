/** How values are shown: the KPI's display format (currency, percent, number) and trends. */
// @ts-nocheck

import type { Thresholds } from './api.ts';

export function formatValue(value: number | null | undefined, format?: string): string {
  if (value === null || value === undefined || !Number.isFinite(value)) return '—';
  if (format === 'percent') return `${(value * 100).toLocaleString('en-US', { maximumFractionDigits: 2 })}%`;
  const digits = Math.abs(value) >= 100 ? 0 : Math.abs(value) >= 1 ? 2 : 4;
  const text = value.toLocaleString('en-US', { maximumFractionDigits: digits });
  return format === 'currency' ? `$${text}` : text;
}

/** Exact text for tables and CSV: the number as the API sent it. */
export const exact = (value: unknown): string => (value === null || value === undefined ? '' : String(value));

export type ThresholdState = 'ok' | 'warning' | 'critical' | 'none';

export function thresholdState(value: number | null, thresholds?: Thresholds): ThresholdState {
  if (!thresholds || (!thresholds.warning && !thresholds.critical)) return 'none';
  if (value === null) return 'none';
  const hit = (t?: { op: string; value: number }) =>
    t !== undefined &&
    ((t.op === '>' && value > t.value) ||
      (t.op === '>=' && value >= t.value) ||
      (t.op === '<' && value < t.value) ||
      (t.op === '<=' && value <= t.value));
  if (hit(thresholds.critical)) return 'critical';
  if (hit(thresholds.warning)) return 'warning';
  return 'ok';
}

export function trendText(trend: { direction: string; percentage: number }): string {
  const sign = trend.direction === 'down' ? '−' : trend.direction === 'up' ? '+' : '±';
  return `${sign}${Math.abs(trend.percentage).toLocaleString('en-US', { maximumFractionDigits: 2 })}% vs previous period`;
}
