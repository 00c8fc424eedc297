/**
 * Goldens never write themselves: a missing expected file fails unless `UPDATE_GOLDEN=1`, and the set
 * of cases is pinned by fixtures/golden/manifest.json, so deleting a fixture (or adding a stray one)
 * fails the suite instead of silently dropping a case. The manifest is edited by hand, never rewritten.
 */
// @ts-nocheck

import { existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { expect } from 'vitest';

export const GOLDEN_ROOT = fileURLToPath(new URL('../../fixtures/golden/', import.meta.url));
export const UPDATE_GOLDEN = process.env.UPDATE_GOLDEN === '1';

export type GoldenFolder = 'lang' | 'optimize' | 'rules' | 'sql';

/** The files a golden folder must hold, as listed in fixtures/golden/manifest.json. */
export function manifest(folder: GoldenFolder): readonly string[] {
  const all = JSON.parse(readFileSync(join(GOLDEN_ROOT, 'manifest.json'), 'utf8')) as Record<
    GoldenFolder,
    string[]
  >;
  const files = all[folder];
  if (!Array.isArray(files) || files.length === 0)
    throw new Error(`manifest.json lists no ${folder} goldens`);
  return files;
}

/** Fails when the folder and the manifest disagree: a deleted fixture, or one the manifest does not know. */
export function expectFolderMatchesManifest(folder: GoldenFolder): void {
  const listed = [...manifest(folder)].sort();
  const present = readdirSync(join(GOLDEN_ROOT, folder)).sort();
  expect(
    present.filter((f) => !listed.includes(f)),
    `files in fixtures/golden/${folder} missing from manifest.json`,
  ).toEqual([]);
  expect(
    listed.filter((f) => !present.includes(f)),
    `fixtures/golden/${folder} files listed in manifest.json but absent`,
  ).toEqual([]);
}

/**
 * Compares `actual` with the expected file. With UPDATE_GOLDEN=1 it writes the file instead; without it,
 * a missing file is a failure (it would otherwise be written and then compared with itself).
 */
export function expectGoldenFile(path: string, actual: string): void {
  if (UPDATE_GOLDEN) {
    writeFileSync(path, actual);
    return;
  }
  if (!existsSync(path)) {
    throw new Error(`golden ${path} is missing: run with UPDATE_GOLDEN=1 to create it, then review it`);
  }
  expect(actual).toBe(readFileSync(path, 'utf8'));
}
