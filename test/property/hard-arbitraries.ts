/**
 * Generators that reach the hard cases, shared by the property tests:
 * - strings mixed from SQL-significant characters (' " \ ? $), NUL, lone surrogates, combining marks,
 *   zero-width joiners and emoji, with ordinary text between them;
 * - instants and local wall times around every DST change of zones chosen for their quirks:
 *   Europe/Berlin, America/New_York, America/Santiago (its spring-forward skips midnight),
 *   Asia/Kolkata (+05:30, no DST), Australia/Lord_Howe (a 30-minute DST shift);
 * - calendar boundaries: year and quarter starts, ISO weeks 53, month ends.
 * Offsets come from Intl's `longOffset` names, not from src/shared/time.ts: the reference is independent.
 */
import fc from 'fast-check';

/** Property runs scaled by PROPERTY_RUNS_SCALE (mutation testing runs fewer; never below 20). */
export const runs = (n: number): number =>
  Math.max(20, Math.round(n * Number(process.env.PROPERTY_RUNS_SCALE ?? 1)));

const SQL_PIECES = ["'", "''", '"', '\\', '?', '$', '$1', '??', '--', ';', '/*', '%', '_'];
const UNICODE_PIECES = [
  '\uD800', // a lone high surrogate
  '\uDFFF', // a lone low surrogate
  'e\u0301', // e + combining acute
  '\u0301', // a combining mark with nothing to combine with
  '\u200D', // zero-width joiner
  '\uFEFF', // byte-order mark
  '😀',
  '👩‍👩‍👧',
  '🇩🇪',
  'ß',
  'İ',
  '\n',
  '\t',
  ' ',
];

/** Strings made of the pieces that break quoting, NUL included only when asked. */
export function hostileString(
  options: { nul?: boolean; loneSurrogates?: boolean } = {},
): fc.Arbitrary<string> {
  const unicode =
    options.loneSurrogates === false ? UNICODE_PIECES.filter((p) => !hasLoneSurrogate(p)) : UNICODE_PIECES;
  const pieces = [...SQL_PIECES, ...unicode, ...(options.nul ? ['\u0000'] : [])];
  return fc
    .array(
      fc.oneof(
        { weight: 3, arbitrary: fc.constantFrom(...pieces) },
        { weight: 1, arbitrary: fc.string({ maxLength: 3 }) },
      ),
      { maxLength: 10 },
    )
    .map((parts) => parts.join(''));
}

/** True when a string holds a UTF-16 surrogate without its partner (PostgreSQL's UTF-8 cannot store it). */
export const hasLoneSurrogate = (s: string): boolean =>
  /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/.test(s);

export const HARD_ZONES = [
  'Europe/Berlin',
  'America/New_York',
  'America/Santiago',
  'Asia/Kolkata',
  'Australia/Lord_Howe',
] as const;

const offsetFormats = new Map<string, Intl.DateTimeFormat>();

/** The zone's UTC offset at `ms` in milliseconds, read from Intl's `GMT+05:30` name. */
export function referenceOffset(ms: number, zone: string): number {
  let f = offsetFormats.get(zone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone: zone, timeZoneName: 'longOffset' });
    offsetFormats.set(zone, f);
  }
  const name = f.formatToParts(new Date(ms)).find((p) => p.type === 'timeZoneName')!.value;
  const m = /^GMT(?:([+-])(\d\d):(\d\d))?$/.exec(name);
  if (!m) throw new Error(`unexpected offset name ${name}`);
  if (!m[1]) return 0;
  return (m[1] === '-' ? -1 : 1) * (Number(m[2]) * 3_600_000 + Number(m[3]) * 60_000);
}

export interface Transition {
  readonly zone: string;
  /** The first instant with the new offset. */
  readonly at: number;
  readonly before: number;
  readonly after: number;
}

const HOUR = 3_600_000;

/** Every offset change of `zone` in [fromYear, toYear], to the millisecond. */
export function transitions(zone: string, fromYear = 2024, toYear = 2026): Transition[] {
  const out: Transition[] = [];
  const end = Date.UTC(toYear + 1, 0, 1);
  for (let t = Date.UTC(fromYear, 0, 1); t < end; t += 6 * HOUR) {
    const before = referenceOffset(t, zone);
    const after = referenceOffset(t + 6 * HOUR, zone);
    if (before === after) continue;
    let lo = t;
    let hi = t + 6 * HOUR; // offset(lo) = before, offset(hi) = after
    while (hi - lo > 1) {
      const mid = Math.floor((lo + hi) / 2);
      if (referenceOffset(mid, zone) === before) lo = mid;
      else hi = mid;
    }
    out.push({ zone, at: hi, before, after });
  }
  return out;
}

export const HARD_TRANSITIONS: readonly Transition[] = HARD_ZONES.flatMap((z) => transitions(z));

/** An instant within three hours of a DST change of a hard zone, to the millisecond or on a 15-minute step. */
export const instantNearTransition: fc.Arbitrary<{ zone: string; ms: number }> = fc
  .tuple(
    fc.constantFrom(...HARD_TRANSITIONS),
    fc.oneof(
      fc.integer({ min: -12, max: 12 }).map((q) => q * 15 * 60_000),
      fc.integer({ min: -3 * HOUR, max: 3 * HOUR }),
      fc.constantFrom(-1, 0, 1),
    ),
  )
  .map(([t, delta]) => ({ zone: t.zone, ms: t.at + delta }));

/** Any hard zone (or UTC) with an instant in 2024–2026. */
export const zonedInstant: fc.Arbitrary<{ zone: string; ms: number }> = fc.oneof(
  instantNearTransition,
  fc.record({
    zone: fc.constantFrom<string>(...HARD_ZONES, 'UTC'),
    ms: fc.integer({ min: Date.UTC(2024, 0, 1), max: Date.UTC(2026, 11, 31) }),
  }),
);

const pad = (n: number, w = 2) => String(n).padStart(w, '0');

/** `YYYY-MM-DDTHH:MM[:SS]` of a wall-clock time given as UTC fields. */
export const naiveText = (wall: number, seconds = true): string => {
  const d = new Date(wall);
  const base = `${d.getUTCFullYear()}-${pad(d.getUTCMonth() + 1)}-${pad(d.getUTCDate())}T${pad(d.getUTCHours())}:${pad(d.getUTCMinutes())}`;
  return seconds ? `${base}:${pad(d.getUTCSeconds())}` : base;
};

/**
 * A local wall time near a DST change (in the gap, in the overlap, on either edge), as the wall clock
 * read as UTC fields (`wall`) plus its zone.
 */
export const wallNearTransition: fc.Arbitrary<{ zone: string; wall: number }> = fc
  .tuple(
    fc.constantFrom(...HARD_TRANSITIONS),
    fc.oneof(
      fc.integer({ min: -8, max: 8 }).map((q) => q * 15 * 60_000),
      fc.integer({ min: -2 * HOUR, max: 2 * HOUR }),
    ),
  )
  .map(([t, delta]) => ({ zone: t.zone, wall: Math.floor((t.at + t.before + delta) / 1000) * 1000 }));

/** Calendar boundaries in UTC: year and quarter starts, ISO week 53 Mondays, month starts and ends. */
export const CALENDAR_EDGES = {
  yearStarts: [2020, 2021, 2024, 2025, 2026].map((y) => Date.UTC(y, 0, 1)),
  quarterStarts: [2025, 2026].flatMap((y) => [0, 3, 6, 9].map((m) => Date.UTC(y, m, 1))),
  /** Mondays that begin ISO week 53 (2020-W53, 2026-W53) and the Monday of the week 1 after them. */
  isoWeek53: [Date.UTC(2020, 11, 28), Date.UTC(2026, 11, 28)],
  isoWeek1After53: [Date.UTC(2021, 0, 4), Date.UTC(2027, 0, 4)],
};
