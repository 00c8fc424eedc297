/**
 * Dashboards: list and create them; open one to see its tiles; edit its layout (add, remove, move by
 * drag and drop or with buttons, resize) and save it with the version check. The URL of a dashboard is
 * its share link.
 */
import { ApiFailure, type Definition, get, post, request } from '../api.ts';
import { field, h, select } from '../dom.ts';
import { navigate, type Route, showError } from '../main.ts';
import { type Dashboard, drawTile } from '../tiles.ts';
import { resizeHandle, tileForm } from './tile-editing.ts';

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
