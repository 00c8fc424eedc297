/**
 * Materializes scheduled KPIs into kpi_metrics: every tick, each KPI with a `schedule` whose last
 * complete period is not stored yet is computed (through QueryService: limiter, timeout) and upserted.
 * One KPI failing does not stop the others; it is retried on the next tick.
 */
import type { DefinitionsService } from '../api/definitions-service.ts';
import type { QueryService } from '../api/query-service.ts';
import type { Grain } from '../ir/kpi.ts';
import type { SqlClient } from '../store/sql-client.ts';
import { lastCompletePeriod } from './periods.ts';

export interface SchedulerOptions {
  readonly definitions: DefinitionsService;
  readonly queries: QueryService;
  readonly sql: SqlClient;
  readonly defaultTimezone: string;
  readonly tickMs?: number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
  /** Told of every value stored (the alerts evaluate thresholds on it); its failures are its own. */
  readonly onValue?: (value: MaterializedValue) => void;
}

export interface MaterializedValue {
  readonly kpiId: string;
  /** The bucket's start (an ISO instant). */
  readonly bucket: string;
  /** The dimension values of the series ({} for the KPI as a whole). */
  readonly dimensions: Readonly<Record<string, unknown>>;
  readonly value: number | null;
}

export class Scheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;
  /** kpi id → end of the last period stored, so each period is computed once. */
  private readonly done = new Map<string, string>();

  constructor(private readonly o: SchedulerOptions) {}

  isRunning(): boolean {
    return this.timer !== null;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.tick(), this.o.tickMs ?? 60_000);
    this.timer.unref();
    void this.tick();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => 0);
  }

  /** One pass; returns how many KPI periods it stored. */
  tick(): Promise<number> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  private async pass(): Promise<number> {
    const now = (this.o.now ?? (() => new Date()))();
    let stored = 0;
    for (const { ir } of this.o.definitions.list()) {
      if (!ir.schedule) continue;
      const grain: Grain = ir.schedule.frequency === 'realtime' ? 'minute' : ir.schedule.frequency;
      const timezone = ir.schedule.timezone ?? this.o.defaultTimezone;
      const range = lastCompletePeriod(grain, now, timezone);
      if (this.done.get(ir.id) === range.end) continue;
      try {
        const result = await this.o.queries.run({
          kpi: ir.id,
          grain: null,
          range,
          timezone,
          dimensions: [],
          filters: [],
        });
        const value = result.rows[0]?.value ?? null;
        await this.o.sql.query(
          `INSERT INTO public.kpi_metrics (time, kpi_id, value, dimensions) VALUES ($1, $2, $3, '{}'::jsonb)
           ON CONFLICT (time, kpi_id) DO UPDATE SET value = EXCLUDED.value`,
          [range.start, ir.id, value === null ? null : Number(value)],
        );
        this.done.set(ir.id, range.end);
        stored++;
        this.o.onValue?.({
          kpiId: ir.id,
          bucket: range.start,
          dimensions: {},
          value: value === null ? null : Number(value),
        });
      } catch (error) {
        this.o.log?.(`scheduler: ${ir.id} for ${range.start}: ${(error as Error).message}`);
      }
    }
    return stored;
  }
}
