/**
 * A line chart in hand-written SVG: one path per series over evenly spaced time buckets, a circle per
 * point carrying its exact time and value (data-time, data-value, and a <title> for hover and screen
 * readers), y ticks at round numbers, a legend. NULL values are gaps, not zeros.
 */
// @ts-nocheck

import { h, s } from './dom.ts';
import { formatValue } from './format.ts';

export interface Series {
  readonly name: string;
  readonly points: ReadonlyMap<string, number | null>;
}

const W = 760;
const H = 280;
const PAD = { left: 64, right: 12, top: 12, bottom: 28 };

function niceTicks(min: number, max: number, count = 5): number[] {
  if (min === max) return [min];
  const raw = (max - min) / count;
  const mag = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 2.5, 5, 10].map((m) => m * mag).find((s) => s >= raw) ?? raw;
  const ticks: number[] = [];
  // From the first round number at or below min to the first at or above max: every point inside.
  for (let v = Math.floor(min / step) * step; ; v += step) {
    ticks.push(Number(v.toPrecision(12)));
    if (v >= max || ticks.length > 50) break;
  }
  return ticks;
}

/** Bucket label: the date, with the hour when the grain is finer than a day. */
export const timeLabel = (iso: string): string =>
  /T00:00:00/.test(iso) ? iso.slice(0, 10) : iso.slice(0, 16).replace('T', ' ');

export function renderChart(
  series: readonly Series[],
  options: { title: string; format?: string },
): HTMLElement {
  const times = [...new Set(series.flatMap((x) => [...x.points.keys()]))].sort();
  const values = series.flatMap((x) => [...x.points.values()]).filter((v): v is number => v !== null);
  const wrap = h('figure', {
    class: 'chart',
    'data-series-count': series.length,
    'data-point-count': values.length,
  });
  if (times.length === 0 || values.length === 0) {
    wrap.append(h('p', { class: 'muted', 'data-empty': 'true' }, 'No data in this range.'));
    return wrap;
  }
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, ...values));
  const lo = ticks[0]!;
  const hi = ticks[ticks.length - 1]! === lo ? lo + 1 : ticks[ticks.length - 1]!;
  const x = (i: number) =>
    PAD.left +
    (times.length === 1
      ? (W - PAD.left - PAD.right) / 2
      : (i * (W - PAD.left - PAD.right)) / (times.length - 1));
  const y = (v: number) => PAD.top + ((hi - v) * (H - PAD.top - PAD.bottom)) / (hi - lo);
  const svg = s('svg', { viewBox: `0 0 ${W} ${H}`, role: 'img', 'aria-label': options.title });
  svg.append(s('title', {}, options.title));
  const grid = s('g', { class: 'grid axis' });
  for (const t of ticks) {
    grid.append(s('line', { x1: PAD.left, x2: W - PAD.right, y1: y(t), y2: y(t) }));
    grid.append(
      s('text', { x: PAD.left - 6, y: y(t) + 4, 'text-anchor': 'end' }, formatValue(t, options.format)),
    );
  }
  const every = Math.max(1, Math.ceil(times.length / 8));
  times.forEach((t, i) => {
    const last = i === times.length - 1 && (times.length - 1) % every >= every / 2;
    if (i % every === 0 || last) {
      grid.append(s('text', { x: x(i), y: H - 8, 'text-anchor': 'middle' }, timeLabel(t)));
    }
  });
  svg.append(grid);
  series.forEach((line, index) => {
    const colour = `var(--s${index % 6})`;
    const g = s('g', { class: 'series', 'data-series': line.name });
    let d = '';
    let pen = false;
    times.forEach((t, i) => {
      const v = line.points.get(t);
      if (v === null || v === undefined) {
        pen = false;
        return;
      }
      d += `${pen ? 'L' : 'M'}${x(i).toFixed(1)},${y(v).toFixed(1)}`;
      pen = true;
    });
    g.append(s('path', { d, fill: 'none', stroke: colour, 'stroke-width': 2 }));
    times.forEach((t, i) => {
      const v = line.points.get(t);
      if (v === null || v === undefined) return;
      g.append(
        s(
          'circle',
          {
            cx: x(i).toFixed(1),
            cy: y(v).toFixed(1),
            r: 3,
            fill: colour,
            'data-time': t,
            'data-value': String(v),
          },
          s('title', {}, `${line.name}: ${timeLabel(t)} ${formatValue(v, options.format)}`),
        ),
      );
    });
    svg.append(g);
  });
  wrap.append(svg);
  if (series.length > 1 || series[0]?.name !== 'value') {
    wrap.append(
      h(
        'ul',
        { class: 'legend', 'aria-label': 'Series' },
        series.map((line, i) =>
          h(
            'li',
            {},
            h('span', { class: 'swatch', style: `background: var(--s${i % 6})`, 'aria-hidden': 'true' }),
            line.name,
          ),
        ),
      ),
    );
  }
  return wrap;
}

/** The charted series as a table: one row per bucket, one column per series — exactly what is drawn. */
export function seriesTable(
  series: readonly Series[],
  caption: string,
): { table: HTMLTableElement; csv: string } {
  const times = [...new Set(series.flatMap((x) => [...x.points.keys()]))].sort();
  const header = ['time', ...series.map((x) => x.name)];
  const rows = times.map((t) => [t, ...series.map((x) => x.points.get(t))]);
  const table = h(
    'table',
    { class: 'data' },
    h('caption', { class: 'muted' }, caption),
    h(
      'thead',
      {},
      h(
        'tr',
        {},
        header.map((c) => h('th', { scope: 'col' }, c)),
      ),
    ),
    h(
      'tbody',
      {},
      rows.map((r) =>
        h(
          'tr',
          {},
          r.map((c, i) =>
            i === 0 ? h('th', { scope: 'row' }, String(c)) : h('td', {}, c == null ? '' : String(c)),
          ),
        ),
      ),
    ),
  );
  const cell = (v: unknown) => {
    if (typeof v === 'number') return String(v);
    let text = v === null || v === undefined ? '' : String(v);
    // Text a spreadsheet would run as a formula gets a leading apostrophe (as the report CSVs do).
    if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
    return /[",\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
  };
  const csv = [header, ...rows].map((r) => r.map(cell).join(',')).join('\n') + '\n';
  return { table, csv };
}
