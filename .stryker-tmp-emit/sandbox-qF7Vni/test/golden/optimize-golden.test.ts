/**
 * Golden fixtures of the optimizer: for each case, fixtures/golden/optimize/NN-name.txt holds the EXPLAIN
 * text — the plan as planned, each rule's notes and the plan after it (input plan → output plan), the
 * rollup chosen per variable with every rejection reason, the engine and the SQL. The rollups' state is
 * fixed here (no server). `UPDATE_GOLDEN=1 npx vitest run --project unit test/golden/optimize-golden.test.ts`
 * rewrites them; review the diff like code.
 */
// @ts-nocheck

import { readdirSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { explain } from '../../src/optimize/explain.ts';
import { expectFolderMatchesManifest, expectGoldenFile } from './golden-files.ts';
import { CASES, catalog, context, env, registry } from './optimize-cases.ts';

const DIR = fileURLToPath(new URL('../../fixtures/golden/optimize/', import.meta.url));

describe('optimizer golden fixtures (fixtures/golden/optimize)', () => {
  it('holds exactly the fixtures manifest.json lists, one per case', () => {
    expectFolderMatchesManifest('optimize');
    expect(CASES.map(([name]) => `${name}.txt`).sort()).toEqual(
      readdirSync(DIR)
        .filter((f) => f.endsWith('.txt'))
        .sort(),
    );
  });
  for (const [name, query, ctx] of CASES) {
    it(name, () => {
      const text = `# query: ${JSON.stringify(query)}\n${explain({ catalog, registry, context: ctx ?? context, env }, query).text}\n`;
      expectGoldenFile(`${DIR}${name}.txt`, text);
    });
  }

  it('names every rejection reason somewhere in the fixtures', () => {
    const all = CASES.map(([name]) => readFileSync(`${DIR}${name}.txt`, 'utf8')).join('\n');
    for (const reason of [
      'is not in the rollup',
      'is not the rollup',
      'is not a union of',
      'no complete month bucket',
      'stale for [',
      'piece raw [',
      'not built',
      'count distinct cannot be re-aggregated',
      'windowed or interval-valid',
      'is an expression, not a stored column',
      "the rollup's filter is not implied",
      'filtered column',
      'matches, but',
      'is no cheaper than raw',
      'calibrated from',
    ]) {
      expect(all).toContain(reason);
    }
  });
});
