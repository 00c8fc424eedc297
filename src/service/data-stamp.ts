/**
 * What a cached answer rests on, as a short string stored with it: when its data was read (the last
 * check of each rollup it read against its source, or the moment it read the sources) and the version
 * — `buildId.revision` — of every rollup it read. A cache hit whose rollups moved to another version
 * since (rebuilt, a partition repaired or marked dirty) is never served: it is recomputed.
 * `asOf|name=version,name=version`.
 */
export interface DataStamp {
  /** ISO instant the answer's data is known current as of (the X-Data-As-Of header). */
  readonly asOf: string;
  readonly rollups: Readonly<Record<string, string>>;
}

export function encodeStamp(stamp: DataStamp): string {
  const reads = Object.entries(stamp.rollups)
    .sort(([a], [b]) => (a < b ? -1 : 1))
    .map(([name, version]) => `${name}=${version}`)
    .join(',');
  return `${stamp.asOf}|${reads}`;
}

/** The earliest `asOf` and every rollup version of several answers combined into one. */
export function mergeStamps(stamps: readonly (DataStamp | undefined)[], fallbackAsOf: string): DataStamp {
  let asOf: string | null = null;
  const rollups: Record<string, string> = {};
  for (const s of stamps) {
    if (!s) continue;
    if (asOf === null || Date.parse(s.asOf) < Date.parse(asOf)) asOf = s.asOf;
    Object.assign(rollups, s.rollups);
  }
  return { asOf: asOf ?? fallbackAsOf, rollups };
}

/** The X-Data-As-Of of a stored stamp (null for entries stored without one). */
export function stampAsOf(stamp: string): string | null {
  const bar = stamp.indexOf('|');
  return bar > 0 ? stamp.slice(0, bar) : null;
}

/** The rollups a stored stamp names, `name=buildId.revision,…` (the X-Data-Rollups header); null: none. */
export function stampRollups(stamp: string): string | null {
  const bar = stamp.indexOf('|');
  const reads = bar >= 0 ? stamp.slice(bar + 1) : '';
  return reads === '' ? null : reads;
}

/** Whether every rollup the stamp names is still at the version it names (`current` says the version now). */
export function stampHolds(stamp: string, current: (rollup: string) => string | null): boolean {
  const bar = stamp.indexOf('|');
  if (bar < 0 || bar === stamp.length - 1) return true;
  for (const read of stamp.slice(bar + 1).split(',')) {
    const eq = read.indexOf('=');
    if (current(read.slice(0, eq)) !== read.slice(eq + 1)) return false;
  }
  return true;
}
