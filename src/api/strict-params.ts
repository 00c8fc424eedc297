/**
 * Objects that refuse keys they do not know, with a did-you-mean: `?grian=month` used to be ignored
 * silently, so the caller got day buckets and never learnt why.
 */
import { z } from '@hono/zod-openapi';
import { closest, editDistance } from '../shared/suggest.ts';

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
    .map((k) => ({ k, d: editDistance(lower, k.toLowerCase(), true) }))
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

/**
 * A request issue's message; a value outside a fixed set (`grain: "dya"`) gets the closest allowed one,
 * as an unknown key does. `input` is what the client sent (zod's issue does not carry the value).
 */
export function issueMessage(issue: z.core.$ZodIssue, input: unknown): string {
  if (issue.code !== 'invalid_value') return issue.message;
  let value: unknown = input;
  for (const key of issue.path)
    value = value !== null && typeof value === 'object' ? Reflect.get(value, key) : undefined;
  const guess =
    typeof value === 'string' && value.length <= 40
      ? closest(value, issue.values.map(String), { transpositions: true })
      : undefined;
  return guess === undefined ? issue.message : `${issue.message} (did you mean "${guess}"?)`;
}
