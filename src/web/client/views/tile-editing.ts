/**
 * The editing parts of a dashboard's tiles (views/dashboards.ts): the form that adds a tile (its KPI,
 * kind, grain, range, breakdown, one filter, width) and the corner handle that resizes one.
 */
import { type Breakdowns, type Definition, get } from '../api.ts';
import { field, h, select } from '../dom.ts';
import { showError } from '../main.ts';
import { DEFAULT_QUERY, GRAINS, RANGE_PRESETS, resolveRange } from '../query.ts';
import type { Tile } from '../tiles.ts';

/**
 * The tile's bottom-right corner: dragging it sideways sets the width in whole grid columns (1–4),
 * following the pointer; the Width field does the same from the keyboard.
 */
export function resizeHandle(tile: HTMLElement, t: Tile): HTMLElement {
  const handle = h('div', {
    class: 'resize',
    'data-role': 'resize',
    title: 'Drag to resize',
    'aria-hidden': 'true',
  });
  handle.addEventListener('pointerdown', (down) => {
    down.preventDefault();
    down.stopPropagation();
    const grid = tile.parentElement!;
    const columns = getComputedStyle(grid).gridTemplateColumns.split(' ').length;
    const gap = Number.parseFloat(getComputedStyle(grid).columnGap) || 0;
    const column = (grid.clientWidth + gap) / columns;
    const left = tile.getBoundingClientRect().left;
    handle.setPointerCapture(down.pointerId);
    // Resizing, not moving: the tile is not draggable until the pointer is released.
    const draggable = tile.draggable;
    tile.draggable = false;
    const move = (e: PointerEvent) => {
      const width = Math.min(4, columns, Math.max(1, Math.round((e.clientX - left + gap) / column)));
      if (width === t.width) return;
      t.width = width;
      tile.className = `tile w${width}`;
      const field = tile.querySelector<HTMLSelectElement>('.tools select');
      if (field) field.value = String(width);
    };
    const up = () => {
      tile.draggable = draggable;
      handle.removeEventListener('pointermove', move);
      handle.removeEventListener('pointerup', up);
    };
    handle.addEventListener('pointermove', move);
    handle.addEventListener('pointerup', up);
  });
  return handle;
}

export function tileForm(defs: readonly Definition[], add: (tile: Tile) => void): HTMLFormElement {
  let kpi = defs[0]?.id ?? '';
  const kpiSelect = select(
    defs.map((d) => [d.id, d.name] as const),
    kpi,
  );
  const kind = select(
    [
      ['value', 'Value'],
      ['chart', 'Chart'],
      ['table', 'Table'],
    ],
    'value',
  );
  const grain = select(GRAINS, 'month');
  const range = select(
    RANGE_PRESETS.filter(([k]) => k !== 'custom'),
    '12m',
  );
  const by = select([['', 'nothing']], '');
  const width = select(['1', '2', '3', '4'], '1');
  // A tile's own filter: one of its KPI's dimensions equal to one of the values it takes.
  const filterBy = select([['', 'nothing']], '');
  const filterValue = select([['', '—']], '');
  const options = (list: readonly (readonly [string, string])[]) =>
    list.map(([v, l]) => h('option', { value: v }, l));
  const dims = () => {
    const d = defs.find((x) => x.id === kpi);
    const names = (d?.dimensions ?? []).map((x) => [x, x] as const);
    by.replaceChildren(...options([['', 'nothing'], ...names]));
    filterBy.replaceChildren(...options([['', 'nothing'], ...names]));
    filterValue.replaceChildren(...options([['', '—']]));
  };
  // The values the dimension takes over the tile's range (a default range may hold none of them).
  const loadValues = async () => {
    const dimension = filterBy.value;
    const asked = `${kpi}|${dimension}|${range.value}`;
    filterValue.replaceChildren(...options([['', '—']]));
    if (!dimension) return;
    const { start, end } = resolveRange({ ...DEFAULT_QUERY, range: range.value });
    const { data } = await get<Breakdowns>(
      `/api/metrics/${encodeURIComponent(kpi)}/dimensions?${new URLSearchParams({ dimensions: dimension, start, end })}`,
    );
    if (`${kpi}|${filterBy.value}|${range.value}` !== asked) return; // changed meanwhile
    const values = (data.dimensions[0]?.values ?? []).filter((v) => v.key !== null).map((v) => String(v.key));
    filterValue.replaceChildren(...options(values.map((v) => [v, v] as const)));
  };
  filterBy.addEventListener('change', () => void loadValues().catch(showError));
  range.addEventListener('change', () => void loadValues().catch(showError));
  kpiSelect.addEventListener('change', () => {
    kpi = kpiSelect.value;
    dims();
  });
  dims();
  const form = h(
    'form',
    { class: 'row panel', 'aria-label': 'Add a tile' },
    field('KPI', kpiSelect),
    field('Show as', kind),
    field('Grain', grain),
    field('Range', range),
    field('Break down by', by),
    field('Filter by', filterBy),
    field('equal to', filterValue),
    field('Width', width),
    h('button', { type: 'submit' }, 'Add tile'),
  );
  form.addEventListener('submit', (e) => {
    e.preventDefault();
    add({
      id: `t${Date.now().toString(36)}${Math.floor(Math.random() * 1e4).toString(36)}`,
      kpi: kpiSelect.value,
      kind: kind.value as Tile['kind'],
      width: Number(width.value),
      grain: grain.value,
      range: range.value,
      ...(by.value ? { by: by.value } : {}),
      ...(filterBy.value && filterValue.value ? { filters: { [filterBy.value]: filterValue.value } } : {}),
    });
  });
  return form;
}
