/**
 * Explore one KPI: value card with trend, history chart (grain, time zone, range, breakdown, filters),
 * the same numbers as a table and CSV, and the compiled SQL with the optimizer's EXPLAIN and where the
 * answer came from. Every control writes the URL, so the view can be shared.
 */
// @ts-nocheck

import { type Breakdowns, type Definition, get, type MetricValue, post } from '../api.ts';
import { renderChart, seriesTable } from '../chart.ts';
import { field, h, select } from '../dom.ts';
import { formatValue, thresholdState, trendText } from '../format.ts';
import { type Route, replaceState, showError } from '../main.ts';
import {
  fromSearch,
  GRAINS,
  metricParams,
  RANGE_PRESETS,
  resolveRange,
  toSearch,
  type ViewQuery,
} from '../query.ts';
import { loadSeries } from '../series.ts';

const TABS = [
  ['chart', 'Chart'],
  ['table', 'Table'],
  ['sql', 'SQL & EXPLAIN'],
] as const;

export const TIME_ZONES = [
  'UTC',
  'Europe/Berlin',
  'Europe/London',
  'America/New_York',
  'America/Los_Angeles',
  'Asia/Tokyo',
  'Australia/Sydney',
];

interface Compiled {
  sql: string;
  params: unknown[];
  dialect: string;
  explain?: string;
  reads?: { rollups: string[]; tables: string[] };
}

export async function renderExplore(view: HTMLElement, kpiId: string, route: Route): Promise<void> {
  const { data: def } = await get<Definition>(`/api/definitions/${encodeURIComponent(kpiId)}`);
  const grainDefault =
    def.aggregations.find((g) => g === 'month') ?? def.aggregations[def.aggregations.length - 1] ?? 'month';
  let q: ViewQuery = fromSearch(route.params, { ...fromSearch(new URLSearchParams()), grain: grainDefault });
  let tab = route.params.get('view') ?? 'chart';
  const path = `/kpi/${encodeURIComponent(kpiId)}`;
  const grainBase = { ...fromSearch(new URLSearchParams()), grain: grainDefault };

  const card = h('section', { class: 'panel', 'aria-label': 'Current value', 'data-role': 'value-card' });
  const source = h('p', { class: 'muted', 'data-role': 'source', 'aria-live': 'polite' });
  const panels: Record<string, HTMLElement> = {
    chart: h('div', { role: 'tabpanel', id: 'panel-chart', 'aria-labelledby': 'tab-chart' }),
    table: h('div', { role: 'tabpanel', id: 'panel-table', 'aria-labelledby': 'tab-table' }),
    sql: h('div', { role: 'tabpanel', id: 'panel-sql', 'aria-labelledby': 'tab-sql' }),
  };
  const status = h('p', { class: 'muted', 'data-role': 'status', 'data-state': 'loading' }, 'Loading…');

  const writeUrl = () => {
    // Defaults of this KPI (its grain) are left out like the app-wide ones.
    const p = toSearch(q, { view: tab === 'chart' ? '' : tab });
    if (q.grain === grainBase.grain) p.delete('grain');
    else p.set('grain', q.grain);
    replaceState(path, p);
  };

  // ---- controls
  const startInput = h('input', { type: 'date', value: resolveRange(q).start });
  const endInput = h('input', { type: 'date', value: resolveRange(q).end });
  const customDates = h(
    'div',
    { class: 'inline', hidden: q.range !== 'custom' },
    field('From', startInput),
    field('To (exclusive)', endInput),
  );
  const tzInput = h('input', { value: q.tz, list: 'tz-list', size: 16, autocomplete: 'off' });
  const filterRow = h('div', { class: 'row', 'aria-label': 'Filters', role: 'group' });
  const change = (next: Partial<ViewQuery>) => {
    q = Object.freeze({ ...q, ...next });
    customDates.hidden = q.range !== 'custom';
    writeUrl();
    void refresh();
  };
  startInput.addEventListener('change', () =>
    change({ range: 'custom', start: startInput.value, end: endInput.value }),
  );
  endInput.addEventListener('change', () =>
    change({ range: 'custom', start: startInput.value, end: endInput.value }),
  );
  tzInput.addEventListener('change', () => change({ tz: tzInput.value.trim() || 'UTC' }));

  const grains = [...new Set([...def.aggregations, ...GRAINS])];
  const controls = h(
    'form',
    { class: 'row', 'aria-label': 'Query', onsubmit: (e: Event) => e.preventDefault() },
    field(
      'Grain',
      select(grains, q.grain, (grain) => change({ grain })),
    ),
    field(
      'Range',
      select(RANGE_PRESETS, q.range, (range) => {
        if (range === 'custom') {
          const r = resolveRange(q);
          change({ range, start: r.start, end: r.end });
        } else change({ range });
      }),
    ),
    customDates,
    field('Time zone', tzInput),
    h(
      'datalist',
      { id: 'tz-list' },
      TIME_ZONES.map((z) => h('option', { value: z })),
    ),
    field(
      'Break down by',
      select([['', 'nothing'], ...def.dimensions.map((d) => [d, d] as const)], q.by, (by) => change({ by })),
    ),
  );

  // Filter choices come from /dimensions: the values each dimension takes in the range.
  const loadFilterChoices = async () => {
    if (def.dimensions.length === 0) return;
    const { start, end } = resolveRange(q);
    const { data } = await get<Breakdowns>(
      `/api/metrics/${encodeURIComponent(kpiId)}/dimensions?${new URLSearchParams({ start, end, tz: q.tz })}`,
    );
    filterRow.replaceChildren(
      ...def.dimensions.map((dim) => {
        const values = (data.dimensions.find((d) => d.dimension === dim)?.values ?? [])
          .map((v) => v.key)
          .filter((k): k is string | number => k !== null && k !== undefined)
          .map(String);
        const current = q.filters[dim] ?? '';
        if (current && !values.includes(current)) values.push(current);
        return field(
          `Filter ${dim}`,
          select([['', 'any'], ...values.sort().map((v) => [v, v] as const)], current, (v) => {
            const filters = { ...q.filters };
            if (v) filters[dim] = v;
            else delete filters[dim];
            change({ filters });
          }),
        );
      }),
    );
  };

  // ---- tabs (arrow keys move between them, as WAI-ARIA's tabs pattern says)
  const tabButtons = TABS.map(([id, label]) =>
    h(
      'button',
      {
        type: 'button',
        role: 'tab',
        id: `tab-${id}`,
        'aria-controls': `panel-${id}`,
        'aria-selected': String(id === tab),
        tabindex: id === tab ? 0 : -1,
      },
      label,
    ),
  );
  const selectTab = (id: string, focus = false) => {
    tab = id;
    tabButtons.forEach((b, i) => {
      const on = TABS[i]![0] === id;
      b.setAttribute('aria-selected', String(on));
      b.tabIndex = on ? 0 : -1;
      if (on && focus) b.focus();
    });
    for (const [k, p] of Object.entries(panels)) p.hidden = k !== id;
    writeUrl();
  };
  tabButtons.forEach((b, i) => {
    b.addEventListener('click', () => selectTab(TABS[i]![0]));
    b.addEventListener('keydown', (e) => {
      const step = e.key === 'ArrowRight' ? 1 : e.key === 'ArrowLeft' ? -1 : 0;
      if (step) selectTab(TABS[(i + step + TABS.length) % TABS.length]![0], true);
    });
  });

  let generation = 0;
  async function refresh(): Promise<void> {
    const turn = ++generation;
    status.dataset.state = 'loading';
    status.textContent = 'Loading…';
    try {
      const [value, loaded, compiled] = await Promise.all([
        get<MetricValue>(`/api/metrics/${encodeURIComponent(kpiId)}?${metricParams(q)}`),
        loadSeries(kpiId, q),
        compile(kpiId, q),
        loadFilterChoices(),
      ]);
      if (turn !== generation) return;
      drawValue(card, def, value.data);
      const title = `${def.name} by ${q.grain}${q.by ? `, by ${q.by}` : ''}`;
      panels.chart!.replaceChildren(renderChart(loaded.series, { title, format: def.displayFormat }));
      const { table, csv } = seriesTable(loaded.series, `${title} — exactly the charted values`);
      const download = h(
        'a',
        {
          href: URL.createObjectURL(new Blob([csv], { type: 'text/csv' })),
          download: `${kpiId}-${q.grain}.csv`,
        },
        'Download CSV',
      );
      panels.table!.replaceChildren(h('p', {}, download), table);
      panels.sql!.replaceChildren(...compiledView(compiled.data));
      const reads = compiled.data.reads;
      const from = reads?.rollups.length
        ? `rollup ${reads.rollups.join(', ')}`
        : `the sources (${reads?.tables.join(', ') ?? 'unknown'})`;
      source.textContent = `Cache: ${loaded.cache.join(', ')} · answered from ${from}${loaded.asOf ? ` · data as of ${loaded.asOf}` : ''}`;
      source.dataset.cache = loaded.cache.join(',');
      status.dataset.state = 'ready';
      status.textContent = `Showing ${resolveRange(q).start} to ${resolveRange(q).end} (end exclusive), ${q.tz}.`;
    } catch (error) {
      if (turn !== generation) return;
      status.dataset.state = 'error';
      status.textContent = 'Could not load this view.';
      showError(error);
    }
  }

  view.append(
    h('h1', {}, def.name),
    h(
      'p',
      { class: 'muted' },
      `${def.id} · ${def.category}${def.description ? ` · ${def.description}` : ''} · `,
      h('a', { href: `#/edit/${encodeURIComponent(kpiId)}` }, 'Edit definition'),
    ),
    controls,
    filterRow,
    card,
    status,
    source,
    h('div', { class: 'tabs', role: 'tablist', 'aria-label': 'Views' }, tabButtons),
    ...Object.values(panels),
  );
  selectTab(tab);
  void refresh();
}

function compile(kpiId: string, q: ViewQuery) {
  const { start, end } = resolveRange(q);
  const params = metricParams(q);
  return post<Compiled>('/api/compile', {
    kpi: kpiId,
    grain: q.grain,
    start,
    end,
    timezone: q.tz,
    ...(q.by ? { dimensions: [q.by] } : {}),
    ...(params.get('filters') ? { filters: params.get('filters') } : {}),
  });
}

function drawValue(card: HTMLElement, def: Definition, m: MetricValue): void {
  const state = thresholdState(m.value, def.thresholds);
  const parts: (HTMLElement | null)[] = [
    h(
      'div',
      { class: 'big', 'data-role': 'value', 'data-value': String(m.value) },
      formatValue(m.value, def.displayFormat),
    ),
    h('div', { class: `trend-${m.trend.direction}`, 'data-role': 'trend' }, trendText(m.trend)),
    h('div', { class: 'muted' }, `Previous period: ${formatValue(m.previousValue, def.displayFormat)}`),
    state === 'none' ? null : h('span', { class: `badge state-${state}`, 'data-role': 'state' }, state),
  ];
  card.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
}

function compiledView(c: Compiled): HTMLElement[] {
  return [
    h('h2', {}, `SQL (${c.dialect})`),
    h('pre', { 'data-role': 'sql' }, c.sql),
    h('p', { class: 'muted' }, `Parameters: ${JSON.stringify(c.params)}`),
    h('h2', {}, 'EXPLAIN'),
    h(
      'pre',
      { 'data-role': 'explain' },
      c.explain ??
        (c.reads?.rollups.length
          ? `Answered from rollup ${c.reads.rollups.join(', ')}.`
          : `No optimizer rollups on this service: the query reads the sources (${c.reads?.tables.join(', ') ?? 'unknown'}).`),
    ),
  ];
}
