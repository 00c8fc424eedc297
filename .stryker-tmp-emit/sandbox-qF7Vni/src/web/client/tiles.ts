/**
 * One dashboard tile: a KPI shown as a value, a chart or a table, with its own grain, range, breakdown
 * and filters. Tiles read only the cached metric routes (value: /api/metrics/:id, chart and table:
 * /history), so a dashboard opened by many people costs cache hits.
 */
// @ts-nocheck

import { type Definition, explain, follow, get, type MetricValue } from './api.ts';
import { renderChart, seriesTable } from './chart.ts';
import { h } from './dom.ts';
import { formatValue, thresholdState, trendText } from './format.ts';
import { DEFAULT_QUERY, metricParams, toSearch, type ViewQuery } from './query.ts';
import { loadSeries } from './series.ts';

export interface Tile {
  id: string;
  kpi: string;
  kind: 'value' | 'chart' | 'table';
  width: number;
  title?: string;
  grain?: string;
  range?: string;
  start?: string;
  end?: string;
  tz?: string;
  by?: string;
  filters?: Record<string, string>;
}

export interface Dashboard {
  id: string;
  name: string;
  description?: string;
  tiles: Tile[];
}

export const tileQuery = (t: Tile): ViewQuery =>
  Object.freeze({
    grain: t.grain ?? DEFAULT_QUERY.grain,
    range: t.range ?? DEFAULT_QUERY.range,
    start: t.start ?? '',
    end: t.end ?? '',
    tz: t.tz ?? DEFAULT_QUERY.tz,
    by: t.by ?? '',
    filters: Object.freeze({ ...(t.filters ?? {}) }),
  });

function valueCard(m: MetricValue, def: Definition): (HTMLElement | string)[] {
  const state = thresholdState(m.value, def.thresholds);
  return [
    h(
      'div',
      { class: 'big', 'data-role': 'value', 'data-value': String(m.value) },
      formatValue(m.value, def.displayFormat),
    ),
    h('div', { class: `muted trend-${m.trend.direction}` }, trendText(m.trend)),
    state === 'none' ? '' : h('span', { class: `badge state-${state}` }, state),
  ];
}

/** Fills `body` with the tile's content; sets data-state on `tile` to ready or error when done. */
export async function drawTile(
  tile: HTMLElement,
  body: HTMLElement,
  t: Tile,
  def: Definition | undefined,
): Promise<void> {
  const q = tileQuery(t);
  tile.dataset.state = 'loading';
  try {
    if (!def) throw new Error(`KPI "${t.kpi}" no longer exists`);
    if (t.kind === 'value') {
      const path = `/api/metrics/${encodeURIComponent(t.kpi)}`;
      const { data: m, headers } = await get<MetricValue>(`${path}?${metricParams(q)}`);
      const value = h('div');
      const show = (v: MetricValue) => value.replaceChildren(...valueCard(v, def));
      show(m);
      body.replaceChildren(value);
      tile.dataset.cache = headers.get('X-Cache') ?? '';
      if (def.schedule?.frequency === 'realtime') {
        // Realtime KPIs update in place for as long as the tile is on the page.
        tile.dataset.live = '0';
        void follow(
          `${path}/stream?${metricParams(q)}`,
          (type, data) => {
            if (type !== 'value') return;
            show(data as MetricValue);
            tile.dataset.live = String(Number(tile.dataset.live) + 1);
          },
          () => tile.isConnected,
        );
      }
    } else {
      const loaded = await loadSeries(t.kpi, q);
      const title = `${def.name} by ${q.grain}${q.by ? `, by ${q.by}` : ''}`;
      if (t.kind === 'chart')
        body.replaceChildren(renderChart(loaded.series, { title, format: def.displayFormat }));
      else body.replaceChildren(seriesTable(loaded.series, title).table);
      tile.dataset.cache = loaded.cache.join(',');
    }
    body.append(
      h(
        'p',
        { class: 'muted' },
        h('a', { href: `#/kpi/${encodeURIComponent(t.kpi)}?${toSearch(q)}` }, 'Explore'),
      ),
    );
    tile.dataset.state = 'ready';
  } catch (error) {
    body.replaceChildren(h('p', { class: 'state-critical' }, explain(error)));
    tile.dataset.state = 'error';
  }
}
