import { describe, expect, it } from 'vitest';
import { loadCatalog } from '../../src/catalog/load.ts';
import type { RowExpr } from '../../src/ir/kpi.ts';
import { demoKpis, featureKpis, registryOf } from '../unit/compile-kpis.ts';
import { type GoldenEnv, readGoldens, render, writeGolden } from './compile-golden.ts';

const catalog = loadCatalog();
const env: GoldenEnv = {
  catalog,
  registry: registryOf([...demoKpis(catalog), ...featureKpis(catalog)]),
  dsl: () => {
    throw new Error('inline DSL needs src/semantic');
  },
  filter: (text) => {
    const m = /^(\w+)\s*=\s*'(.*)'$/.exec(text.trim());
    if (!m) throw new Error(`unsupported golden filter ${text}`);
    const value = m[2]!.replaceAll("''", "'");
    return {
      kind: 'binary',
      op: '=',
      left: { kind: 'dimension', name: m[1]! },
      right: { kind: 'literal', value, type: 'string' },
    } satisfies RowExpr;
  },
};

const cases = readGoldens();
const update = process.env.UPDATE_GOLDEN === '1';

describe('golden SQL per dialect (fixtures/golden/sql)', () => {
  it('has fixtures', () => expect(cases.length).toBeGreaterThan(0));
  it.each(cases.map((c) => [c.file, c] as const))('%s', (_, c) => {
    const actual = render(c, env);
    if (update) {
      writeGolden(c, actual);
      return;
    }
    for (const section of ['plan', 'trino', 'postgres']) {
      expect(actual[section], `${c.file} --- ${section}`).toBe(c.sections[section]);
    }
  });
});
