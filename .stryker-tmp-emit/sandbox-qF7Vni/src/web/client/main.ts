/**
 * The web app's entry: a hash router over four views (browse, explore, edit, dashboards), the token
 * dialog and the error banner. Each view renders into <main> and owns the URL's query part, so the URL
 * always holds the whole state of what is on screen.
 */
// @ts-nocheck

import { explain, getToken, setToken } from './api.ts';
import { setUpLogin } from './login.ts';
import { renderBrowse } from './views/browse.ts';
import { renderDashboard, renderDashboards } from './views/dashboards.ts';
import { renderExplore } from './views/explore.ts';

export interface Route {
  readonly path: string[];
  readonly params: URLSearchParams;
}

export function currentRoute(): Route {
  const hash = location.hash.replace(/^#/, '') || '/';
  const [path = '/', query = ''] = hash.split('?', 2);
  return {
    path: path.split('/').filter(Boolean).map(decodeURIComponent),
    params: new URLSearchParams(query),
  };
}

/** Replaces the URL's state without a new history entry or a re-render (the view already shows it). */
export function replaceState(path: string, params: URLSearchParams): void {
  const query = params.toString();
  history.replaceState(null, '', `#${path}${query ? `?${query}` : ''}`);
}

export function showError(error: unknown): void {
  const banner = document.getElementById('banner')!;
  banner.textContent = explain(error);
  banner.hidden = false;
}

export function clearError(): void {
  const banner = document.getElementById('banner')!;
  banner.hidden = true;
  banner.textContent = '';
}

let rendering = 0;
async function render(): Promise<void> {
  const turn = ++rendering;
  clearError();
  const main = document.getElementById('main')!;
  const route = currentRoute();
  const [first, second] = route.path;
  for (const a of document.querySelectorAll<HTMLAnchorElement>('[data-nav]')) {
    const active =
      a.dataset.nav ===
      (first === 'kpi' || !first ? 'browse' : first === 'new' || first === 'edit' ? 'edit' : first);
    if (active) a.setAttribute('aria-current', 'page');
    else a.removeAttribute('aria-current');
  }
  const view = document.createElement('div');
  try {
    if (!first) await renderBrowse(view, route);
    else if (first === 'kpi' && second) await renderExplore(view, second, route);
    else if (first === 'new' || (first === 'edit' && second)) {
      // The editor (CodeMirror) is most of the bundle: loaded only when someone edits.
      const { renderEditor } = await import('./views/editor.ts');
      await renderEditor(view, second ?? null, route);
    } else if (first === 'dashboards' && second) await renderDashboard(view, second, route);
    else if (first === 'dashboards') await renderDashboards(view, route);
    else view.append(Object.assign(document.createElement('h1'), { textContent: 'Not found' }));
  } catch (error) {
    showError(error);
  }
  if (turn !== rendering) return; // a newer navigation won
  main.replaceChildren(view);
  document.title = `${view.querySelector('h1')?.textContent ?? 'kpi-engine'} · kpi-engine`;
}

function setUpToken(): void {
  const dialog = document.getElementById('token-dialog') as HTMLDialogElement;
  const input = document.getElementById('token-input') as HTMLTextAreaElement;
  const button = document.getElementById('token-button')!;
  const label = () => {
    button.textContent = getToken() ? 'Token ✓' : 'Token';
  };
  label();
  button.addEventListener('click', () => {
    input.value = getToken();
    dialog.showModal();
  });
  dialog.addEventListener('close', () => {
    if (dialog.returnValue === 'save') setToken(input.value.trim());
    if (dialog.returnValue === 'clear') setToken('');
    label();
    if (dialog.returnValue) void render();
  });
}

/** Views set their URL with replaceState while the user works; a hash change from a link renders. */
export function navigate(hash: string): void {
  if (location.hash === hash) void render();
  else location.hash = hash;
}

window.addEventListener('hashchange', () => void render());
// The skip link moves focus to the content; following its #main would be a route of the hash router.
document.querySelector('.skip')?.addEventListener('click', (e) => {
  e.preventDefault();
  document.getElementById('main')?.focus();
});
setUpToken();
// A sign-in coming back sets the token before the first render uses it.
void setUpLogin(() => void render())
  .catch(showError)
  .finally(() => void render());
