/**
 * The VS Code extension's TextMate grammar (editors/vscode/), run by the engine VS Code itself uses
 * (vscode-textmate with the Oniguruma regex library) over the demo KPI files: keywords, strings,
 * numbers, comments, names and functions get the scopes themes colour.
 */
// @ts-nocheck

import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { fileURLToPath } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import oniguruma from 'vscode-oniguruma';
import textmate from 'vscode-textmate';

const root = fileURLToPath(new URL('../../', import.meta.url));
const extension = `${root}editors/vscode/`;
let grammar: textmate.IGrammar;

beforeAll(async () => {
  const require = createRequire(import.meta.url);
  const wasm = readFileSync(require.resolve('vscode-oniguruma/release/onig.wasm'));
  await oniguruma.loadWASM(wasm.buffer.slice(wasm.byteOffset, wasm.byteOffset + wasm.byteLength));
  const registry = new textmate.Registry({
    onigLib: Promise.resolve({
      createOnigScanner: (patterns) => new oniguruma.OnigScanner(patterns),
      createOnigString: (text) => new oniguruma.OnigString(text),
    }),
    loadGrammar: async (scope) =>
      scope === 'source.kpi'
        ? textmate.parseRawGrammar(
            readFileSync(`${extension}syntaxes/kpi.tmLanguage.json`, 'utf8'),
            'kpi.tmLanguage.json',
          )
        : null,
  });
  grammar = (await registry.loadGrammar('source.kpi'))!;
});

/** Every token of `text` as [its text, its innermost scope]. */
function tokens(text: string): [string, string][] {
  const out: [string, string][] = [];
  let state = textmate.INITIAL;
  for (const line of text.split('\n')) {
    const r = grammar.tokenizeLine(line, state);
    for (const t of r.tokens) out.push([line.slice(t.startIndex, t.endIndex), t.scopes.at(-1)!]);
    state = r.ruleStack;
  }
  return out;
}

const scopeOf = (all: [string, string][], text: string) =>
  all.filter(([t]) => t.trim() === text).map(([, s]) => s);

describe('the .kpi TextMate grammar', () => {
  let demo: [string, string][];
  beforeAll(() => {
    demo = tokens(readFileSync(`${root}fixtures/demo-kpis.kpi`, 'utf8'));
  });

  it('is declared by the extension for .kpi files', () => {
    const manifest = JSON.parse(readFileSync(`${extension}package.json`, 'utf8'));
    expect(manifest.contributes.languages[0].extensions).toEqual(['.kpi']);
    expect(manifest.contributes.grammars[0]).toMatchObject({ language: 'kpi', scopeName: 'source.kpi' });
    const config = JSON.parse(readFileSync(`${extension}language-configuration.json`, 'utf8'));
    expect(config.comments).toEqual({ lineComment: '--', blockComment: ['/*', '*/'] });
  });

  it('scopes the demo KPIs: declarations, properties, functions, keywords, strings, comments', () => {
    expect(scopeOf(demo, 'kpi')).toContain('storage.type.kpi');
    expect(scopeOf(demo, 'mrr_active')[0]).toBe('entity.name.type.kpi'); // declared, then referenced
    expect(scopeOf(demo, 'formula')).toContain('support.type.property-name.kpi');
    expect(scopeOf(demo, 'sum')).toContain('support.function.aggregate.kpi');
    expect(scopeOf(demo, 'count')).toContain('support.function.aggregate.kpi');
    expect(scopeOf(demo, 'active')).toContain('keyword.control.kpi');
    expect(scopeOf(demo, 'between')).toContain('keyword.operator.logical.kpi');
    expect(scopeOf(demo, 'let')).toContain('storage.type.let.kpi');
    expect(
      demo.some(([t, s]) => t.includes('MRR (active subscriptions)') && s === 'string.quoted.double.kpi'),
    ).toBe(true);
    expect(
      demo.some(([t, s]) => t.startsWith('-- The demo KPIs') && s === 'comment.line.double-dash.kpi'),
    ).toBe(true);
    // No part of the demo file is left unscoped except blanks.
    expect(demo.filter(([t, s]) => s === 'source.kpi' && t.trim() !== '')).toEqual([]);
  });

  it('scopes numbers, single-quoted strings with doubled quotes, operators and block comments', () => {
    const t = tokens(
      "kpi x = sum(payments.subscriptions.amount where region = 'O''Brien' and amount >= 1.5e3) / 100 /* a\nnote */",
    );
    expect(scopeOf(t, '1.5e3')).toEqual(['constant.numeric.kpi']);
    expect(scopeOf(t, '100')).toEqual(['constant.numeric.kpi']);
    expect(scopeOf(t, "''")).toEqual(['constant.character.escape.kpi']);
    expect(t.some(([x, s]) => x === 'O' && s === 'string.quoted.single.kpi')).toBe(true);
    expect(scopeOf(t, '>=')).toEqual(['keyword.operator.comparison.kpi']);
    expect(scopeOf(t, 'where')).toEqual(['keyword.control.kpi']);
    expect(scopeOf(t, 'note')).toEqual(['comment.block.kpi']);
    expect(scopeOf(t, 'x')).toEqual(['entity.name.type.kpi']);
    expect(scopeOf(t, 'payments')).toEqual(['variable.other.kpi']);
  });

  it('reads keywords in any case, as the lexer does, but not inside longer names', () => {
    const t = tokens('KPI y = COUNT(users.accounts.id WHERE active_flag IS NOT NULL)');
    expect(scopeOf(t, 'KPI')).toEqual(['storage.type.kpi']);
    expect(scopeOf(t, 'COUNT')).toEqual(['support.function.aggregate.kpi']);
    expect(scopeOf(t, 'NULL')).toEqual(['constant.language.kpi']);
    expect(scopeOf(t, 'active_flag')).toEqual(['variable.other.kpi']);
  });
});
