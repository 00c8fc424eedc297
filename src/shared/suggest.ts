/** "did you mean …?" — the closest candidate by edit distance, when it is close enough to help. */

/**
 * Levenshtein distance; with `transpositions`, two swapped neighbours count as one edit (optimal string
 * alignment) — `--grian` is one slip from `--grain`.
 */
export function editDistance(a: string, b: string, transpositions = false): number {
  if (a === b) return 0;
  if (transpositions) return osaDistance(a, b);
  const prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    let diagonal = prev[0]!;
    prev[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const above = prev[j]!;
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      prev[j] = Math.min(above + 1, prev[j - 1]! + 1, diagonal + cost);
      diagonal = above;
    }
  }
  return prev[b.length]!;
}

function osaDistance(a: string, b: string): number {
  // Three rolling rows (the row two back is needed for a transposition): no matrix per call, so
  // comparing a word with the ~430 IANA zone names stays well under a millisecond.
  let before = new Int32Array(b.length + 1);
  let prev = Int32Array.from({ length: b.length + 1 }, (_, j) => j);
  let row = new Int32Array(b.length + 1);
  for (let i = 1; i <= a.length; i++) {
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, before[j - 2]! + 1);
      row[j] = best;
    }
    [before, prev, row] = [prev, row, before];
  }
  return prev[b.length]!;
}

export function closest(
  word: string,
  candidates: Iterable<string>,
  options: { readonly transpositions?: boolean } = {},
): string | undefined {
  const w = word.toLowerCase();
  let best: string | undefined;
  let bestDistance = Number.POSITIVE_INFINITY;
  for (const c of candidates) {
    if (c.toLowerCase() === w) continue;
    if (Math.abs(c.length - w.length) > 3) continue;
    const d = editDistance(w, c.toLowerCase(), options.transpositions);
    if (d < bestDistance || (d === bestDistance && best !== undefined && c < best)) {
      best = c;
      bestDistance = d;
    }
  }
  // Close means at most a third of the word changed (and at least one edit allowed).
  return best !== undefined && bestDistance <= Math.max(1, Math.floor(w.length / 3)) ? best : undefined;
}

export function didYouMean(word: string, candidates: Iterable<string>): { hint?: string } {
  // Two swapped letters are one slip (`dya` is `day`), as on the command line.
  return asHint(closest(word, candidates, { transpositions: true }));
}

/** A diagnostic's hint naming `guess`, or none. */
export function asHint(guess: string | undefined): { hint?: string } {
  return guess === undefined ? {} : { hint: `did you mean "${guess}"?` };
}

let zonesByArea: Map<string, string[]> | undefined;

/**
 * The IANA zone closest to `zone` (`Europe/Berln` → `Europe/Berlin`), searched within its area only
 * (`Europe`, or the closest area name): comparing with all ~430 names cost milliseconds a call, which a
 * file of many declarations with bad zones would multiply.
 */
export function closestTimeZone(zone: string): string | undefined {
  if (!zonesByArea) {
    zonesByArea = new Map();
    // Intl lists canonical names only, without UTC.
    for (const z of ['UTC', ...Intl.supportedValuesOf('timeZone')]) {
      const area = z.split('/')[0]!;
      zonesByArea.set(area, [...(zonesByArea.get(area) ?? []), z]);
    }
  }
  const area = zone.split('/')[0]!;
  const areas = [...zonesByArea.keys()];
  const near =
    areas.find((a) => a.toLowerCase() === area.toLowerCase()) ??
    closest(area, areas, { transpositions: true });
  return near === undefined ? undefined : closest(zone, zonesByArea.get(near)!, { transpositions: true });
}
