/**
 * Write a KPI: CodeMirror 6 with the KPI language (highlighting, completion from the catalog, live
 * diagnostics from the service), a preview chart of the draft (POST /api/query, nothing stored), save
 * with the version check (a conflict shows both versions), and the version history with a diff.
 */
// @ts-nocheck

import { defaultKeymap, history, historyKeymap } from '@codemirror/commands';
import { bracketMatching } from '@codemirror/language';
import { lintGutter } from '@codemirror/lint';
import { EditorState } from '@codemirror/state';
import { drawSelection, EditorView, highlightActiveLine, keymap, lineNumbers } from '@codemirror/view';
import { ApiFailure, type Definition, get, post, request } from '../api.ts';
import { renderChart } from '../chart.ts';
import { diffLines } from '../diff.ts';
import { field, h, select } from '../dom.ts';
import { type Catalog, kpiSupport, type LintReport } from '../kpi-language.ts';
import { navigate, type Route, showError } from '../main.ts';
import { DEFAULT_QUERY, GRAINS, RANGE_PRESETS, resolveRange } from '../query.ts';

const TEMPLATE = `kpi my_kpi "My KPI" {
  category: business
  formula: sum(payments.subscriptions.amount)
  dimensions: region
  grains: day, month
}
`;

interface StoredVersion {
  version: number;
  source: string;
  format: string;
  deleted: boolean;
  createdAt: string;
}

export async function renderEditor(view: HTMLElement, kpiId: string | null, route: Route): Promise<void> {
  const [{ data: catalog }, loaded] = await Promise.all([
    get<Catalog>('/api/catalog'),
    kpiId ? get<Definition>(`/api/definitions/${encodeURIComponent(kpiId)}`) : Promise.resolve(null),
  ]);
  let version = loaded?.data.version ?? 0;
  const initial = loaded?.data.dsl ?? route.params.get('draft') ?? TEMPLATE;

  const problems = h('ul', {
    class: 'diagnostics',
    'aria-live': 'polite',
    'aria-label': 'Diagnostics',
    'data-state': 'pending',
  });
  const verdict = h('p', { 'data-role': 'verdict', class: 'muted' }, 'Checking…');
  const onReport = (report: LintReport) => {
    problems.replaceChildren(
      ...report.diagnostics.map((d) =>
        h(
          'li',
          {
            class: d.severity,
            'data-line': d.span.start.line,
            'data-column': d.span.start.column,
            'data-code': d.code,
          },
          `${d.span.start.line}:${d.span.start.column} ${d.severity} ${d.code}: ${d.message}${d.hint ? ` (${d.hint})` : ''}`,
        ),
      ),
    );
    problems.dataset.state = report.valid ? 'valid' : 'invalid';
    verdict.textContent = report.valid ? 'No problems.' : `${report.diagnostics.length} problem(s).`;
  };

  const editor = new EditorView({
    state: EditorState.create({
      doc: initial,
      extensions: [
        lineNumbers(),
        history(),
        drawSelection(),
        highlightActiveLine(),
        bracketMatching(),
        lintGutter(),
        // Long lines wrap: no sideways scrolling (phones) and no scroll region a keyboard cannot reach.
        EditorView.lineWrapping,
        // Tab is left to the browser, so keyboard users can move on from the editor.
        keymap.of([...defaultKeymap, ...historyKeymap]),
        EditorView.contentAttributes.of({ 'aria-label': 'KPI definition (KPI language)' }),
        ...kpiSupport(catalog, onReport),
      ],
    }),
  });

  // ---- preview
  let grain = loaded?.data.aggregations.includes('month')
    ? 'month'
    : (loaded?.data.aggregations[0] ?? 'month');
  let range = DEFAULT_QUERY.range;
  const preview = h('div', { 'data-role': 'preview', 'data-state': 'idle' });
  const runPreview = async () => {
    preview.dataset.state = 'loading';
    const { start, end } = resolveRange({ ...DEFAULT_QUERY, range });
    try {
      const { data } = await post<{ rows: { time: string; value: number | null }[] }>('/api/query', {
        dsl: editor.state.doc.toString(),
        grain,
        start,
        end,
      });
      const points = new Map(data.rows.map((r) => [String(r.time), r.value]));
      preview.replaceChildren(
        renderChart([{ name: 'value', points }], { title: `Preview by ${grain}, ${start} to ${end}` }),
      );
      preview.dataset.state = 'ready';
    } catch (error) {
      preview.replaceChildren(
        h('p', { class: 'state-critical' }, error instanceof Error ? error.message : String(error)),
      );
      preview.dataset.state = 'error';
    }
  };

  // ---- save, conflicts
  const saveStatus = h('p', { 'data-role': 'save-status', 'aria-live': 'polite' });
  const conflict = h('section', {
    class: 'panel',
    hidden: true,
    'data-role': 'conflict',
    'aria-label': 'Conflict',
  });
  const save = async (expected = version) => {
    const text = editor.state.doc.toString();
    saveStatus.textContent = 'Saving…';
    try {
      if (!kpiId) {
        const { data } = await post<Definition>('/api/definitions', text, { 'Content-Type': 'text/plain' });
        saveStatus.textContent = `Saved ${data.id}, version ${data.version}.`;
        navigate(`#/edit/${encodeURIComponent(data.id)}`);
        return;
      }
      const { data } = await request<Definition>(`/api/definitions/${encodeURIComponent(kpiId)}`, {
        method: 'PUT',
        body: text,
        headers: { 'Content-Type': 'text/plain', 'If-Match': `"${expected}"` },
      });
      version = data.version;
      conflict.hidden = true;
      saveStatus.textContent = `Saved version ${data.version}.`;
      void loadHistory();
    } catch (error) {
      if (kpiId && error instanceof ApiFailure && error.status === 412) {
        saveStatus.textContent = 'Not saved: someone else saved this KPI since you opened it.';
        await showConflict(text);
        return;
      }
      saveStatus.textContent = 'Not saved.';
      showError(error);
    }
  };
  const showConflict = async (mine: string) => {
    const { data: theirs } = await get<Definition>(`/api/definitions/${encodeURIComponent(kpiId!)}`);
    conflict.hidden = false;
    conflict.replaceChildren(
      h('h2', {}, `Conflict: version ${theirs.version} was saved while you edited version ${version}`),
      h(
        'div',
        { class: 'side-by-side' },
        h(
          'div',
          {},
          h('h3', {}, `Their version (${theirs.version})`),
          h('pre', { 'data-role': 'theirs' }, theirs.dsl),
        ),
        h('div', {}, h('h3', {}, 'Your version'), h('pre', { 'data-role': 'mine' }, mine)),
      ),
      h('h3', {}, 'Changes from theirs to yours'),
      diffView(theirs.dsl, mine),
      h(
        'div',
        { class: 'row' },
        h('button', { type: 'button', onclick: () => void save(theirs.version) }, 'Overwrite with mine'),
        h(
          'button',
          {
            type: 'button',
            class: 'quiet',
            onclick: () => {
              editor.dispatch({ changes: { from: 0, to: editor.state.doc.length, insert: theirs.dsl } });
              version = theirs.version;
              conflict.hidden = true;
              saveStatus.textContent = `Loaded version ${theirs.version}.`;
            },
          },
          'Discard mine, load theirs',
        ),
      ),
    );
  };

  // ---- history
  const historyPanel = h('section', { 'aria-label': 'Version history', 'data-role': 'history' });
  async function loadHistory(): Promise<void> {
    if (!kpiId) return;
    const { data } = await get<{ versions: StoredVersion[] }>(
      `/api/definitions/${encodeURIComponent(kpiId)}/versions`,
    );
    const versions = [...data.versions].reverse();
    const shown = h('div', {});
    const compare = (v: string) => {
      const chosen = versions.find((x) => String(x.version) === v);
      shown.replaceChildren(chosen ? diffView(chosen.source, editor.state.doc.toString()) : '');
    };
    const picker = select(
      [
        ['', 'choose a version'],
        ...versions.map(
          (v) =>
            [String(v.version), `v${v.version} · ${v.createdAt}${v.deleted ? ' (deleted)' : ''}`] as const,
        ),
      ],
      '',
      compare,
    );
    historyPanel.replaceChildren(
      h('h2', {}, 'Version history'),
      h(
        'ol',
        { reversed: true },
        versions.map((v) => h('li', {}, `v${v.version} · ${v.createdAt}${v.deleted ? ' · deleted' : ''}`)),
      ),
      field('Compare the editor with', picker),
      shown,
    );
  }

  view.append(
    h('h1', {}, kpiId ? `Edit ${loaded!.data.name}` : 'New KPI'),
    h(
      'p',
      { class: 'muted' },
      'Diagnostics appear as you type. Ctrl-Space completes sources, tables, columns, functions and KPIs. ',
      h('a', { href: '/docs/grammar' }, 'Syntax diagrams'),
      kpiId ? ' · ' : '',
      kpiId ? h('a', { href: `#/kpi/${encodeURIComponent(kpiId)}` }, 'Explore this KPI') : '',
    ),
    h(
      'div',
      { class: 'editor-wrap' },
      h('div', {}, editor.dom, verdict, problems),
      h(
        'div',
        {},
        h(
          'div',
          { class: 'row' },
          h(
            'button',
            { type: 'button', onclick: () => void save() },
            kpiId ? 'Save new version' : 'Save KPI',
          ),
        ),
        saveStatus,
        h('h2', {}, 'Preview'),
        h(
          'div',
          { class: 'row' },
          field(
            'Grain',
            select(GRAINS, grain, (v) => (grain = v)),
          ),
          field(
            'Range',
            select(
              RANGE_PRESETS.filter(([k]) => k !== 'custom'),
              range,
              (v) => (range = v),
            ),
          ),
          h('button', { type: 'button', class: 'quiet', onclick: () => void runPreview() }, 'Preview draft'),
        ),
        preview,
      ),
    ),
    conflict,
    historyPanel,
  );
  await loadHistory();
}

function diffView(before: string, after: string): HTMLElement {
  return h(
    'div',
    { class: 'diff', 'data-role': 'diff' },
    diffLines(before, after).map((l) =>
      h('div', { class: l.kind }, `${l.kind === 'add' ? '+ ' : l.kind === 'del' ? '- ' : '  '}${l.text}`),
    ),
  );
}
