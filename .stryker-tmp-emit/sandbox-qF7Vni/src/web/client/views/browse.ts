/** Browse: every KPI with its current value, trend and threshold state; search and filter by category. */
// @ts-nocheck

import { type Definition, get, type MetricValue } from '../api.ts';
import { field, h, select } from '../dom.ts';
import { formatValue, thresholdState, trendText } from '../format.ts';
import { navigate, type Route, replaceState } from '../main.ts';
import { DEFAULT_QUERY, metricParams, RANGE_PRESETS, resolveRange, toSearch } from '../query.ts';

export async function renderBrowse(view: HTMLElement, route: Route): Promise<void> {
  const { data } = await get<{ definitions: Definition[] }>('/api/definitions');
  const defs = data.definitions;
  let search = route.params.get('q') ?? '';
  let category = route.params.get('category') ?? '';
  let range = route.params.get('range') ?? DEFAULT_QUERY.range;
  const categories = [...new Set(defs.map((d) => d.category))].sort();

  const searchBox = h('input', { type: 'search', value: search, placeholder: 'name, id or description' });
  const list = h('ul', { class: 'cards', 'aria-label': 'KPIs' });
  const count = h('p', { class: 'muted', 'aria-live': 'polite' });
  const query = () => ({ ...DEFAULT_QUERY, range });

  const sync = () => {
    const p = new URLSearchParams();
    if (search) p.set('q', search);
    if (category) p.set('category', category);
    if (range !== DEFAULT_QUERY.range) p.set('range', range);
    replaceState('/', p);
  };
  const filterCards = () => {
    const needle = search.trim().toLowerCase();
    let shown = 0;
    for (const card of list.children as HTMLCollectionOf<HTMLElement>) {
      const d = defs.find((x) => x.id === card.dataset.kpi)!;
      const match =
        (!category || d.category === category) &&
        (!needle || `${d.id} ${d.name} ${d.description}`.toLowerCase().includes(needle));
      card.hidden = !match;
      if (match) shown++;
    }
    count.textContent = `${shown} of ${defs.length} KPIs`;
  };
  searchBox.addEventListener('input', () => {
    search = searchBox.value;
    filterCards();
    sync();
  });

  const { start, end } = resolveRange(query());
  for (const d of defs) {
    const value = h('span', { class: 'value', 'data-role': 'value' }, '…');
    const trend = h('span', { class: 'muted', 'data-role': 'trend' });
    const state = h('span', { class: 'badge', 'data-role': 'state', hidden: true });
    const href = `#/kpi/${encodeURIComponent(d.id)}?${toSearch(query())}`;
    list.append(
      h(
        'li',
        { class: 'card', 'data-kpi': d.id, 'data-loaded': 'false' },
        h('h2', {}, h('a', { href }, d.name)),
        h('span', { class: 'muted' }, `${d.id} · ${d.category}`),
        d.description ? h('span', {}, d.description) : null,
        value,
        trend,
        state,
      ),
    );
    get<MetricValue>(`/api/metrics/${encodeURIComponent(d.id)}?${metricParams(query())}`)
      .then(({ data: m }) => {
        value.textContent = formatValue(m.value, d.displayFormat);
        value.dataset.value = String(m.value);
        trend.textContent = trendText(m.trend);
        trend.className = `muted trend-${m.trend.direction}`;
        const s = thresholdState(m.value, d.thresholds);
        if (s !== 'none') {
          state.hidden = false;
          state.textContent = s;
          state.className = `badge state-${s}`;
        }
      })
      .catch((error: unknown) => {
        value.textContent = '—';
        trend.textContent = error instanceof Error ? error.message : String(error);
      })
      .finally(() => {
        list.querySelector<HTMLElement>(`[data-kpi="${d.id}"]`)!.dataset.loaded = 'true';
      });
  }

  view.append(
    h('h1', {}, 'KPIs'),
    h(
      'div',
      { class: 'row', role: 'search' },
      field('Search', searchBox),
      field(
        'Category',
        select([['', 'All categories'], ...categories.map((c) => [c, c] as const)], category, (v) => {
          category = v;
          filterCards();
          sync();
        }),
      ),
      field(
        'Values over',
        select(
          RANGE_PRESETS.filter(([k]) => k !== 'custom'),
          range,
          (v) => {
            range = v;
            sync();
            navigate(location.hash);
          },
        ),
      ),
    ),
    h(
      'p',
      { class: 'muted' },
      `Values from ${start} to ${end} (end exclusive), trend against the range before.`,
    ),
    count,
    list,
  );
  filterCards();
}
