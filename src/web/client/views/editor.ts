import { h } from '../dom.ts';
import type { Route } from '../main.ts';
export async function renderEditor(view: HTMLElement, _id: string | null, _route: Route): Promise<void> {
  view.append(h('h1', {}, 'Editor'));
}
