/**
 * The syntax-diagram page, self-contained: Chevrotain's generator links its diagram scripts and styles
 * from a CDN (a blank page offline), so each of them is inlined from the installed chevrotain package.
 * `npm run grammar` writes the page; a test checks the committed page equals this output.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, sep } from 'node:path';
import { createSyntaxDiagramsCode } from 'chevrotain';
import type { KpiParser } from './parser.ts';

const CDN_ASSET =
  /<(script src|link rel='stylesheet' href)='https:\/\/unpkg\.com\/chevrotain@[^/]+\/diagrams\/([^']+)'>(<\/script>)?/g;

export function syntaxDiagramsHtml(parser: KpiParser): string {
  const generated = createSyntaxDiagramsCode(parser.getSerializedGastProductions());
  // The package exports only its entry (lib/src/api.js); the diagram files sit beside lib/.
  const entry = createRequire(import.meta.url).resolve('chevrotain');
  const diagrams = join(entry.slice(0, entry.lastIndexOf(`${sep}lib${sep}`)), 'diagrams');
  const html = generated.replace(CDN_ASSET, (_, tag: string, path: string) => {
    const text = readFileSync(join(diagrams, path), 'utf8');
    if (tag === 'script src') return `<script>\n${text.replaceAll('</script', '<\\/script')}\n</script>`;
    return `<style>\n${text.replaceAll('</style', '<\\/style')}\n</style>`;
  });
  if (/(src|href)=['"]https?:/.test(html))
    throw new Error('the syntax-diagram page still loads something from the network');
  return html;
}
