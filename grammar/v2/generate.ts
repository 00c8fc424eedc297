/**
 * `npm run grammar`: writes the syntax-diagram page and the CST type declarations generated from
 * the grammar, so both stay in step with grammar/v2/parser.ts.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { createSyntaxDiagramsCode, generateCstDts } from 'chevrotain';
import { KpiGrammar } from './parser.ts';

const parser = new KpiGrammar();

const out = new URL('../generated/', import.meta.url);
mkdirSync(out, { recursive: true });
const productions = parser.getGAstProductions();
writeFileSync(
  new URL('syntax-diagrams.html', out),
  createSyntaxDiagramsCode(parser.getSerializedGastProductions()),
);
writeFileSync(new URL('cst.d.ts', out), generateCstDts(productions));
console.log('wrote grammar/generated/syntax-diagrams.html and grammar/generated/cst.d.ts');
