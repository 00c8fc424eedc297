/**
 * Each optimizer rule has its own fixture, sqlglot's habit: fixtures/golden/rules/RULE.txt holds, per
 * case, the plan the rule receives (as the rules before it leave it), the rule's notes and the plan it
 * returns — the rule applied alone, so a change in one rule shows in its own file. The cases are the
 * optimizer goldens' (optimize-cases.ts); the EXPLAIN goldens keep the whole pipeline with its SQL.
 * `UPDATE_GOLDEN=1 npx vitest run --project unit test/golden/optimize-rules.test.ts` rewrites them;
 * review the diff like code. A rule without a fixture, or a fixture of no rule, fails.
 */
// @ts-nocheck

import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { RULES } from '../../src/optimize/optimize.ts';
import type { Rule } from '../../src/optimize/types.ts';
import { planQuery } from '../../src/plan/planner.ts';
import { printPlan } from '../../src/plan/print.ts';
import { expectFolderMatchesManifest, expectGoldenFile } from './golden-files.ts';
import { CASES, catalog, context, registry } from './optimize-cases.ts';

const DIR = fileURLToPath(new URL('../../fixtures/golden/rules/', import.meta.url));

function fixtureOf(rule: Rule, index: number): string {
  const out = [
    `# rule ${rule.name}: per case, the plan it receives, its notes, and the plan it returns`,
    `# (fixtures/golden/rules; written by UPDATE_GOLDEN=1, see test/golden/optimize-rules.test.ts)`,
  ];
  for (const [name, query, ctx = context] of CASES) {
    let input = planQuery(registry.get(query.kpi)!, query, { catalog, registry });
    for (const earlier of RULES.slice(0, index)) input = earlier.apply(input, ctx).plan;
    const r = rule.apply(input, ctx);
    out.push('', `=== ${name}`, `# query: ${JSON.stringify(query)}`, '--- input plan', printPlan(input));
    out.push('--- notes', ...(r.notes.length ? r.notes.map((n) => `  ${n}`) : ['  (none)']));
    out.push('--- expected plan', r.plan === input ? '(unchanged)' : printPlan(r.plan));
  }
  return `${out.join('\n')}\n`;
}

describe('optimizer rule fixtures (fixtures/golden/rules)', () => {
  it('holds one fixture per rule of the optimizer, as manifest.json lists', () => {
    expectFolderMatchesManifest('rules');
    expect(readdirSync(DIR).sort()).toEqual(RULES.map((r) => `${r.name}.txt`).sort());
  });
  RULES.forEach((rule, index) => {
    it(rule.name, () => expectGoldenFile(`${DIR}${rule.name}.txt`, fixtureOf(rule, index)));
  });
});
