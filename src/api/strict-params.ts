/**
 * Objects that refuse keys they do not know, with a did-you-mean: `?grian=month` used to be ignored
 * silently, so the caller got day buckets and never learnt why.
 */
import { z } from '@hono/zod-openapi';

/** Edit distance (insert, delete, substitute, swap of neighbours), for suggestions only. */
export function distance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) => [i, ...Array(b.length).fill(0)]);
  for (let j = 1; j <= b.length; j++) d[0]![j] = j;
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const cost = a[i - 1] === b[j - 1] ? 0 : 1;
      let best = Math.min(d[i - 1]![j]! + 1, d[i]![j - 1]! + 1, d[i - 1]![j - 1]! + cost);
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        best = Math.min(best, d[i - 2]![j - 2]! + 1);
      d[i]![j] = best;
    }
  }
  return d[a.length]![b.length]!;
}

/** Words people use for a parameter under another name here. */
const SYNONYMS: Readonly<Record<string, string>> = {
  grain: 'aggregation',
  timezone: 'tz',
  from: 'start',
  to: 'end',
  dims: 'dimensions',
  where: 'filters',
};

export function unknownKeyMessage(key: string, known: readonly string[]): string {
  const short = key.length > 40 ? `${key.slice(0, 40)}…` : key;
  const lower = key.toLowerCase();
  const synonym = SYNONYMS[lower];
  // Close to a known name, or to a word that means one (`grian` → `grain` → `aggregation`).
  const words = [...known, ...Object.keys(SYNONYMS).filter((w) => known.includes(SYNONYMS[w]!))];
  const close = words
    .map((k) => ({ k, d: distance(lower, k.toLowerCase()) }))
    .filter((x) => x.d <= Math.max(1, Math.floor(x.k.length / 3)))
    .sort((x, y) => x.d - y.d)[0]?.k;
  const suggestion =
    (close && (known.includes(close) ? close : SYNONYMS[close])) ??
    (synonym && known.includes(synonym) ? synonym : undefined);
  return `unknown parameter "${short}"${suggestion ? ` (did you mean "${suggestion}"?)` : ''}; known: ${known.join(', ')}`;
}

/** `z.object(shape)` that answers an issue per unknown key instead of dropping it. */
export function strictObject<S extends z.ZodRawShape>(shape: S) {
  const known = Object.keys(shape);
  return z.looseObject(shape).superRefine((value, ctx) => {
    for (const key of Object.keys(value as object)) {
      if (!known.includes(key))
        ctx.addIssue({ code: 'custom', path: [key], message: unknownKeyMessage(key, known) });
    }
  });
}
