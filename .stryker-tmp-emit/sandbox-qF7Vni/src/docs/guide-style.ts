/**
 * The user guide's stylesheet, inline in each page (nothing is loaded from elsewhere). The `kpi-*`
 * colours follow the web app's editor; a dark scheme follows the system's.
 */
// @ts-nocheck

export const GUIDE_STYLE = `
:root { color-scheme: light dark; --fg: #1f2328; --bg: #fff; --muted: #59636e; --code-bg: #f6f8fa; --line: #d1d9e0;
  --kw: #cf222e; --str: #0a3069; --num: #0550ae; --com: #6e7781; --fn: #8250df; --prop: #116329; --op: #953800; }
@media (prefers-color-scheme: dark) {
  :root { --fg: #e6edf3; --bg: #0d1117; --muted: #9198a1; --code-bg: #161b22; --line: #3d444d;
    --kw: #ff7b72; --str: #a5d6ff; --num: #79c0ff; --com: #8b949e; --fn: #d2a8ff; --prop: #7ee787; --op: #ffa657; }
}
body { margin: 0; font: 16px/1.55 system-ui, sans-serif; color: var(--fg); background: var(--bg); }
nav { padding: .6rem 1rem; border-bottom: 1px solid var(--line); font-size: .9rem; }
nav a { margin-right: .4rem; }
nav a[aria-current="page"] { font-weight: 600; text-decoration: none; color: var(--fg); }
main { max-width: 60rem; margin: 0 auto; padding: 1rem 1.25rem 4rem; }
a { color: #0969da; }
@media (prefers-color-scheme: dark) { a { color: #4493f8; } }
pre { background: var(--code-bg); padding: .8rem 1rem; overflow-x: auto; border-radius: 6px; line-height: 1.4; }
code { font: .9em/1.4 ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; }
:not(pre) > code { background: var(--code-bg); padding: .1em .3em; border-radius: 4px; }
table { border-collapse: collapse; display: block; overflow-x: auto; }
th, td { border: 1px solid var(--line); padding: .3rem .6rem; vertical-align: top; }
img { max-width: 100%; }
.kpi-keyword { color: var(--kw); font-weight: 600; }
.kpi-string { color: var(--str); }
.kpi-number { color: var(--num); }
.kpi-comment { color: var(--com); font-style: italic; }
.kpi-function { color: var(--fn); }
.kpi-property { color: var(--prop); }
.kpi-operator { color: var(--op); }
`;
