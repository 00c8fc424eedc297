// @ts-nocheck
import { describe, expect, it } from 'vitest';
import { DIALECT_SECTIONS, goldenEnv, readGoldens, render, writeGolden } from './emit-golden.ts';
import { expectFolderMatchesManifest, UPDATE_GOLDEN } from './golden-files.ts';

const env = goldenEnv();
const cases = readGoldens();

describe('golden SQL per dialect (fixtures/golden/sql)', () => {
  it('holds exactly the fixtures manifest.json lists', () => expectFolderMatchesManifest('sql'));
  it.each(cases.map((c) => [c.file, c] as const))('%s', (_, c) => {
    if (c.sections.query === undefined) throw new Error(`${c.file} is missing or has no --- query section`);
    const actual = render(c, env);
    if (UPDATE_GOLDEN) {
      writeGolden(c, actual);
      return;
    }
    for (const section of ['plan', ...DIALECT_SECTIONS]) {
      expect(actual[section], `${c.file} --- ${section}`).toBe(c.sections[section]);
    }
  });
});
