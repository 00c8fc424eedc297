/**
 * Mapped KPI statements, remembered: a SELECT on a KPI table that a client sends again (a dashboard
 * refreshing, a BI tool re-running its query) skips lexing, parsing, the federation check and the
 * mapping to a MetricQuery. The key is everything the mapping reads besides the definitions: the
 * statement text, the session's catalog and schema (unqualified table names), its time zone (literals
 * and bucket boundaries), and the prepared statements the client sends (what `EXECUTE s USING …` runs).
 * The user is not part of it: the mapping does not depend on who asks, and who may read the kpi catalog
 * is checked before the cache is asked. An entry holds the registry it was mapped against and is not
 * served once the definitions changed; a mapping that read the clock (`current_date`, a range left open
 * at the current bucket) is never stored.
 */
// @ts-nocheck

import { LRUCache } from 'lru-cache';
import type { KpiIR } from '../ir/kpi.ts';
import type { KpiSelectPlan } from './kpi-select.ts';
import type { Session } from './session.ts';
import type { TimeContext } from './time-values.ts';

interface Entry {
  readonly registry: ReadonlyMap<string, KpiIR>;
  readonly plan: KpiSelectPlan;
}

/** Statements longer than this are mapped each time (their keys would crowd the cache's memory). */
const MAX_CACHED_STATEMENT_CHARS = 4_096;

export class PlanCache {
  private readonly entries: LRUCache<string, Entry>;

  constructor(max = 1_000) {
    this.entries = new LRUCache({ max });
  }

  /** The cache key of a statement in a session, or null when it is not cached at all. */
  keyOf(sql: string, session: Session, zone: string, preparedHeader: string | null): string | null {
    if (sql.length > MAX_CACHED_STATEMENT_CHARS) return null;
    // JSON of an array: no separator inside one part can be mistaken for the boundary of another.
    return JSON.stringify([sql, session.catalog, session.schema, zone, preparedHeader]);
  }

  get(key: string | null, registry: ReadonlyMap<string, KpiIR>): KpiSelectPlan | null {
    if (key === null) return null;
    const entry = this.entries.get(key);
    if (!entry) return null;
    if (entry.registry !== registry) {
      this.entries.delete(key);
      return null;
    }
    return entry.plan;
  }

  set(key: string | null, registry: ReadonlyMap<string, KpiIR>, plan: KpiSelectPlan): void {
    if (key !== null) this.entries.set(key, { registry, plan });
  }

  get size(): number {
    return this.entries.size;
  }
}

/**
 * A time context that records whether the mapping read the clock: such a plan depends on when it was
 * made and must not be served later.
 */
export function watchedClock(
  zone: string,
  now: Date,
): { readonly ctx: TimeContext; readonly read: () => boolean } {
  let read = false;
  const ctx: TimeContext = {
    zone,
    get now() {
      read = true;
      return now;
    },
  };
  return { ctx, read: () => read };
}
