/** Did-you-mean: the edit distances behind every hint, and the time-zone search by area. */
import { describe, expect, it } from 'vitest';
import { closest, closestTimeZone, editDistance } from '../../src/shared/suggest.ts';

/** The textbook optimal-string-alignment distance over a whole matrix: the oracle for the rolling rows. */
function matrixOsa(a: string, b: string): number {
  const d = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      d[i]![j] = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        d[i]![j] = Math.min(d[i]![j]!, d[i - 2]![j - 2]! + 1);
    }
  }
  return d[a.length]![b.length]!;
}

describe('edit distance', () => {
  it('counts a swap of neighbours as one edit only when asked', () => {
    expect(editDistance('dya', 'day')).toBe(2);
    expect(editDistance('dya', 'day', true)).toBe(1);
    expect(editDistance('ca', 'abc', true)).toBe(3);
    expect(editDistance('', 'abc', true)).toBe(3);
  });

  it('equals the whole-matrix distance on every pair of short words over three letters', () => {
    const words = [''];
    for (let n = 1; n <= 4; n++)
      for (const w of words.filter((x) => x.length === n - 1))
        words.push(...'abc'.split('').map((c) => w + c));
    for (const a of words) for (const b of words) expect(editDistance(a, b, true)).toBe(matrixOsa(a, b));
  });
});

describe('closest time zone', () => {
  it('finds a misspelt city within its area, or a misspelt area', () => {
    expect(closestTimeZone('Europe/Berln')).toBe('Europe/Berlin');
    expect(closestTimeZone('Eurpoe/Berlin')).toBe('Europe/Berlin');
    expect(closestTimeZone('America/New_Yrok')).toBe('America/New_York');
    expect(closestTimeZone('UTX')).toBe('UTC');
  });

  it('suggests nothing far from every zone', () => {
    expect(closestTimeZone('Mars/Base')).toBeUndefined();
    expect(closestTimeZone('Europe/Xyzzyqwrt')).toBeUndefined();
  });

  it('agrees with a search over every zone where the area is right', () => {
    const all = ['UTC', ...Intl.supportedValuesOf('timeZone')];
    for (const typo of ['Europe/Pariss', 'Asia/Tokyp', 'Australia/Lord_Hwe', 'Africa/Cairp']) {
      expect(closestTimeZone(typo)).toBe(closest(typo, all, { transpositions: true }));
    }
  });
});
