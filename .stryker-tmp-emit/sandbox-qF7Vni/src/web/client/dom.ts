/** A tiny element builder: h('button', {type: 'button', onclick}, 'Save'). Text is always text, never HTML. */
// @ts-nocheck

type Child = Node | string | number | null | undefined | false;
type Attrs = Record<string, string | number | boolean | null | undefined | EventListener>;

export function h<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  attrs: Attrs = {},
  ...children: (Child | Child[])[]
): HTMLElementTagNameMap[K] {
  const el = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === null || value === undefined || value === false) continue;
    if (typeof value === 'function') el.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) el.setAttribute(name, '');
    else el.setAttribute(name, String(value));
  }
  append(el, children);
  return el;
}

export function append(parent: Node, children: (Child | Child[])[]): void {
  for (const c of children.flat()) {
    if (c === null || c === undefined || c === false) continue;
    parent.appendChild(typeof c === 'object' ? c : document.createTextNode(String(c)));
  }
}

const SVG = 'http://www.w3.org/2000/svg';
export function s(tag: string, attrs: Record<string, string | number> = {}, ...children: (Node | string)[]) {
  const el = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attrs)) el.setAttribute(name, String(value));
  for (const c of children) el.appendChild(typeof c === 'string' ? document.createTextNode(c) : c);
  return el;
}

let ids = 0;
/** A unique id for label/aria wiring. */
export const uid = (prefix: string): string => `${prefix}-${++ids}`;

/** A labelled form control wrapped in a div (label above, control below). */
export function field(label: string, control: HTMLElement): HTMLDivElement {
  control.id ||= uid('f');
  return h('div', {}, h('label', { for: control.id }, label), control);
}

export function select(
  options: readonly (string | readonly [value: string, label: string])[],
  value: string,
  onchange?: (value: string) => void,
): HTMLSelectElement {
  const el = h(
    'select',
    {},
    options.map((o) => {
      const [v, l] = typeof o === 'string' ? [o, o] : o;
      return h('option', { value: v, selected: v === value }, l);
    }),
  );
  if (onchange) el.addEventListener('change', () => onchange(el.value));
  return el;
}
