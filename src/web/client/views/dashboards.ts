import { h } from '../dom.ts';
import type { Route } from '../main.ts';
export async function renderDashboards(view: HTMLElement, _route: Route): Promise<void> {
  view.append(h('h1', {}, 'Dashboards'));
}
export async function renderDashboard(view: HTMLElement, _id: string, _route: Route): Promise<void> {
  view.append(h('h1', {}, 'Dashboard'));
}
