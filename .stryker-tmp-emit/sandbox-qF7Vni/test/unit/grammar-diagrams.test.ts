// @ts-nocheck
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { syntaxDiagramsHtml } from '../../grammar/diagrams-page.ts';
import { parser } from '../../grammar/parser.ts';

const committed = readFileSync(new URL('../../grammar/syntax-diagrams.html', import.meta.url), 'utf8');

describe('grammar/syntax-diagrams.html', () => {
  it('renders offline: every script and style is inline, nothing is loaded from the network', () => {
    expect(committed).not.toMatch(/<script[^>]+src=/);
    expect(committed).not.toMatch(/<link[^>]+href=/);
    expect(committed).not.toMatch(/https?:\/\/(unpkg|cdn|jsdelivr)/);
    // The diagram code the page calls is in the page itself.
    expect(committed).toContain('drawDiagramsFromSerializedGrammar');
    expect(committed).toContain('function Diagram(');
  });

  it('is what `npm run grammar` makes of the grammar now (regenerate after a grammar change)', () => {
    expect(committed).toBe(syntaxDiagramsHtml(parser));
  });
});
