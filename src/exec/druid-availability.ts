/**
 * Whether Druid serves every segment of a datasource that is published and current. Druid SQL answers
 * from the segments its broker sees and says nothing of the others, so a published segment that no
 * historical serves (one still loading after a restart, one unloaded by a load/drop rule, one on a lost
 * historical) gives a partial figure without an error. `sys.segments` says it exactly: a used segment
 * not overshadowed by a newer version (`is_published = 1 AND is_overshadowed = 0`) that no server
 * announces (`is_available = 0`). One such query per datasource, its answer kept for a few seconds.
 */
import { druidSql } from './druid-client.ts';

/** How long a datasource's answer is kept: a segment lost within it can still give a partial figure. */
export const AVAILABILITY_TTL_MS = 2000;
/** Druid's own limit for the sys query (it is answered by the broker from its metadata, no historical). */
const CHECK_TIMEOUT_MS = 2000;

/** A datasource's state: how many of its current published segments nobody serves, or why unknown. */
type Availability = { readonly missing: number } | { readonly unknown: string };

const MISSING_SQL = `SELECT COUNT(*) AS n FROM sys.segments
WHERE datasource = ? AND is_published = 1 AND is_overshadowed = 0 AND is_available = 0`;

export class DruidAvailability {
  private readonly known = new Map<string, { readonly at: number; readonly state: Promise<Availability> }>();

  constructor(
    private readonly url: string,
    private readonly ttlMs: number = AVAILABILITY_TTL_MS,
    private readonly now: () => number = Date.now,
  ) {}

  /**
   * Why Druid cannot give the whole answer for these datasources (segments published but not served,
   * or the check itself failed); null when it serves all of them.
   */
  async unavailable(datasources: readonly string[], signal?: AbortSignal): Promise<string | null> {
    const reasons: string[] = [];
    for (const ds of datasources) {
      const state = await this.stateOf(ds, signal);
      if ('unknown' in state)
        reasons.push(`Druid's segments of ${ds} could not be checked: ${state.unknown}`);
      else if (state.missing > 0)
        reasons.push(`Druid does not serve ${state.missing} published segment(s) of ${ds}`);
    }
    return reasons.length > 0 ? reasons.join('; ') : null;
  }

  private stateOf(ds: string, signal?: AbortSignal): Promise<Availability> {
    const kept = this.known.get(ds);
    if (kept && this.now() - kept.at < this.ttlMs) return kept.state;
    const state = this.check(ds, signal);
    this.known.set(ds, { at: this.now(), state });
    // A check the caller abandoned says nothing of Druid: the next caller asks again.
    void state.then(() => {
      if (signal?.aborted && this.known.get(ds)?.state === state) this.known.delete(ds);
    });
    return state;
  }

  private async check(ds: string, signal?: AbortSignal): Promise<Availability> {
    try {
      const rows = await druidSql(this.url, MISSING_SQL, {
        parameters: [{ type: 'VARCHAR', value: ds }],
        timeoutMs: CHECK_TIMEOUT_MS,
        ...(signal ? { signal } : {}),
      });
      return { missing: Number(rows[0]?.n ?? 0) };
    } catch (error) {
      return { unknown: (error as Error).message };
    }
  }
}
