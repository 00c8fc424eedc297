/** What a KPI's schedule materializes, at which grain and in which zone. */
import type { Grain, KpiIR } from '../ir/kpi.ts';

export interface Schedule {
  readonly kpi: KpiIR;
  readonly grain: Grain;
  readonly timezone: string;
}

/** What a KPI's schedule materializes: realtime KPIs are stored per minute. */
export function scheduleOf(kpi: KpiIR, defaultTimezone: string): Schedule | null {
  if (!kpi.schedule) return null;
  const grain: Grain = kpi.schedule.frequency === 'realtime' ? 'minute' : kpi.schedule.frequency;
  return { kpi, grain, timezone: kpi.schedule.timezone ?? defaultTimezone };
}
