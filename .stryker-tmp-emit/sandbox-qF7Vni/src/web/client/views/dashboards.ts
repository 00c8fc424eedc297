/**
 * Dashboards: list and create them; open one to see its tiles; edit its layout (add, remove, move by
 * drag and drop or with buttons, resize) and save it with the version check. The URL of a dashboard is
 * its share link.
 */
// @ts-nocheck

import { ApiFailure, type Breakdowns, type Definition, get, post, request } from '../api.ts';
import { field, h, select } from '../dom.ts';
import { navigate, type Route, showError } from '../main.ts';
import { DEFAULT_QUERY, GRAINS, RANGE_PRESETS, resolveRange } from '../query.ts';
import { type Dashboard, drawTile, type Tile } from '../tiles.ts';

interface Stored {
  version: number;
  createdAt: string;
  dashboard: Dashboard;
}

export async function renderDashboards(view: HTMLElement, _route: Route): Promise<void> {
  const { data } = await get<{ dashboards: Stored[] }>('/api/dashboards');
  const idInput = h('input', {
    required: true,
    pattern: '[A-Za-z0-9_\\-]{1,100}',
    placeholder: 'sales-overview',
  });
  const nameInput = h('input', { required: true, placeholder: 'Sales overview' });
  const form = h(
    'form',
    { class: 'row', 'aria-label': 'New dashboard' },
    field('Id (letters, digits, - and _)', idInput),
    field('Name', nameInput),
    h('button', { type: 'submit' }, 'Create dashboard'),
  );
  form.addEventListener('submit', async (e) => {
    e.preventDefault();
    try {
      await post('/api/dashboards', { id: idInput.value.trim(), name: nameInput.value.trim(), tiles: [] });
      navigate(`#/dashboards/${encodeURIComponent(idInput.value.trim())}?edit=1`);
    } catch (error) {
      showError(error);
    }
  });
  view.append(
    h('h1', {}, 'Dashboards'),
    data.dashboards.length
      ? h(
          'ul',
          { 'aria-label': 'Dashboards' },
          data.dashboards.map((d) =>
            h(
              'li',
              {},
              h('a', { href: `#/dashboards/${encodeURIComponent(d.dashboard.id)}` }, d.dashboard.name),
              ` · ${d.dashboard.tiles.length} tiles · v${d.version}`,
            ),
          ),
        )
      : h('p', { class: 'muted' }, 'No dashboards yet.'),
    h('h2', {}, 'New dashboard'),
    form,
  );
}

export async function renderDashboard(view: HTMLElement, id: string, route: Route): Promise<void> {
  const [{ data: stored }, { data: defs }] = await Promise.all([
    get<Stored>(`/api/dashboards/${encodeURIComponent(id)}`),
    get<{ definitions: Definition[] }>('/api/definitions'),
  ]);
  const byId = new Map(defs.definitions.map((d) => [d.id, d]));
  let version = stored.version;
  const board: Dashboard = structuredClone(stored.dashboard);
  let editing = route.params.get('edit') === '1';
  const grid = h('ul', { class: 'grid', 'aria-label': 'Tiles', 'data-role': 'grid' });
  const status = h('p', { 'aria-live': 'polite', 'data-role': 'save-status' });
  const editButton = h(
    'button',
    { type: 'button', class: 'quiet', 'aria-pressed': String(editing) },
    'Edit layout',
  );
  const saveButton = h('button', { type: 'button', hidden: !editing }, 'Save dashboard');
  const addForm = tileForm(defs.definitions, (tile) => {
    board.tiles.push(tile);
    draw();
  });
  addForm.hidden = !editing;
  let dragged = -1;
  let draws = 0;

  const move = (from: number, to: number) => {
    if (to < 0 || to >= board.tiles.length || from === to) return;
    const [tile] = board.tiles.splice(from, 1);
    board.tiles.splice(to, 0, tile!);
    draw();
    grid.querySelectorAll<HTMLElement>('li.tile')[to]?.focus();
  };

  function draw(): void {
    const drawing: Promise<void>[] = [];
    grid.dataset.state = 'loading';
    grid.replaceChildren(
      ...board.tiles.map((t, i) => {
        const def = byId.get(t.kpi);
        const body = h('div', {});
        const tile = h(
          'li',
          {
            class: `tile w${t.width}`,
            'data-tile': t.id,
            'data-kpi': t.kpi,
            'data-kind': t.kind,
            tabindex: editing ? 0 : null,
            draggable: editing ? 'true' : null,
          },
          h('h2', {}, t.title ?? def?.name ?? t.kpi),
          Object.keys(t.filters ?? {}).length > 0
            ? h(
                'p',
                { class: 'muted', 'data-role': 'tile-filter' },
                Object.entries(t.filters!)
                  .map(([d, v]) => `${d} = ${v}`)
                  .join(', '),
              )
            : '',
          body,
        );
        if (editing) {
          tile.append(
            h(
              'div',
              { class: 'tools' },
              h(
                'button',
                {
                  type: 'button',
                  class: 'quiet',
                  'aria-label': `Move ${t.title ?? t.kpi} earlier`,
                  onclick: () => move(i, i - 1),
                },
                '◀',
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'quiet',
                  'aria-label': `Move ${t.title ?? t.kpi} later`,
                  onclick: () => move(i, i + 1),
                },
                '▶',
              ),
              field(
                'Width',
                select(['1', '2', '3', '4'], String(t.width), (w) => {
                  t.width = Number(w);
                  tile.className = `tile w${t.width}`;
                }),
              ),
              h(
                'button',
                {
                  type: 'button',
                  class: 'quiet',
                  onclick: () => {
                    board.tiles.splice(i, 1);
                    draw();
                  },
                },
                'Remove',
              ),
            ),
          );
          tile.append(resizeHandle(tile, t));
          tile.addEventListener('dragstart', () => {
            dragged = i;
            tile.dataset.dragging = 'true';
          });
          tile.addEventListener('dragend', () => delete tile.dataset.dragging);
          tile.addEventListener('dragover', (e) => e.preventDefault());
          tile.addEventListener('drop', (e) => {
            e.preventDefault();
            move(dragged, i);
          });
        }
        drawing.push(drawTile(tile, body, t, def));
        return tile;
      }),
    );
    // When every tile is drawn, from the page's start (the web bench and tests read it).
    const turn = ++draws;
    void Promise.all(drawing).then(() => {
      if (turn !== draws) return;
      grid.dataset.state = 'ready';
      grid.dataset.drawnAt = String(Math.round(performance.now()));
    });
    if (board.tiles.length === 0)
      grid.append(
        h('li', { class: 'muted' }, editing ? 'Add a tile below.' : 'No tiles yet: choose Edit layout.'),
      );
  }

  editButton.addEventListener('click', () => {
    editing = !editing;
    editButton.setAttribute('aria-pressed', String(editing));
    saveButton.hidden = !editing;
    addForm.hidden = !editing;
    draw();
  });
  saveButton.addEventListener('click', async () => {
    status.textContent = 'Saving…';
    try {
      const { data } = await request<Stored>(`/api/dashboards/${encodeURIComponent(id)}`, {
        method: 'PUT',
        body: JSON.stringify(board),
        headers: { 'If-Match': `"${version}"` },
      });
      version = data.version;
      status.textContent = `Saved version ${version}.`;
    } catch (error) {
      if (error instanceof ApiFailure && error.status === 412) {
        status.textContent =
          'Not saved: someone else saved this dashboard since you opened it. Reload to see their version.';
      } else {
        status.textContent = 'Not saved.';
        showError(error);
      }
    }
  });

  view.append(
    h('h1', {}, board.name),
    h(
      'p',
      { class: 'muted' },
      'Share this view with its link: ',
      h('a', { href: `#/dashboards/${encodeURIComponent(id)}` }, `${location.origin}/#/dashboards/${id}`),
    ),
    h('div', { class: 'row' }, editButton, saveButton),
    status,
    grid,
    addForm,
  );
  draw();
}

/**
 * The tile's bottom-right corner: dragging it sideways sets the width in whole grid columns (1–4),
 * following the pointer; the Width field does the same from the keyboard.
 */
function resizeHandle(tile: HTMLElement, t: Tile): HTMLElement {
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

function tileForm(defs: readonly Definition[], add: (tile: Tile) => void): HTMLFormElement {
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
