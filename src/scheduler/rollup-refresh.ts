/**
 * Keeps built rollups equal to their sources. Every interval each built rollup is refreshed (the rows
 * after its watermark loaded, its mutable window re-checked, what changed re-loaded); at a slower
 * cadence each is verified in full (every partition compared with the source, what differs repaired);
 * and, where change capture is installed on a PostgreSQL source, its log is polled every second or so:
 * a new change drops the cached answers that read the table at once and refreshes the rollup (which
 * re-loads exactly the logged partitions). Rollups never built are left alone — a cold build can be
 * heavy, so it is asked for explicitly (POST /api/rollups/NAME/build or `kpi rollup build`); they are
 * named once in the log. One rollup failing does not stop the others; it is tried again next time.
 */
import type { RollupAdmin } from '../rollup/admin.ts';

export interface RollupRefreshOptions {
  readonly rollups: Pick<RollupAdmin, 'list' | 'refresh'> & Partial<Pick<RollupAdmin, 'verify' | 'captured'>>;
  readonly intervalMs: number;
  /** Full verification of every built rollup; 0 or absent: never. */
  readonly verifyIntervalMs?: number;
  /** How often capture logs are polled; 0 or absent: never. */
  readonly captureIntervalMs?: number;
  /** Told of source tables (`source.table`) whose change was captured, before the refresh re-loads them. */
  readonly onCaptured?: (tables: readonly string[]) => Promise<void> | void;
  readonly log?: (line: string) => void;
}

export interface RefreshPass {
  readonly refreshed: readonly string[];
  readonly failed: readonly string[];
}

type Action = 'refresh' | 'verify';

export class RollupRefresher {
  private readonly timers: NodeJS.Timeout[] = [];
  private running: Promise<RefreshPass> | null = null;
  private verifying: Promise<RefreshPass> | null = null;
  private capturing: Promise<readonly string[]> | null = null;
  private readonly named = new Set<string>();

  constructor(private readonly o: RollupRefreshOptions) {}

  start(): void {
    if (this.timers.length > 0) return;
    const every = (ms: number | undefined, f: () => Promise<unknown>) => {
      if (!ms) return;
      const timer = setInterval(() => void f().catch(() => {}), ms);
      timer.unref();
      this.timers.push(timer);
    };
    every(this.o.intervalMs, () => this.pass());
    every(this.o.verifyIntervalMs, () => this.verifyPass());
    every(this.o.captureIntervalMs, () => this.capturePass());
  }

  async stop(): Promise<void> {
    for (const timer of this.timers.splice(0)) clearInterval(timer);
    await Promise.all([this.running, this.verifying, this.capturing].map((p) => p?.catch(() => undefined)));
  }

  /** One refresh pass over the rollups (a pass still running is joined, not doubled). */
  pass(): Promise<RefreshPass> {
    this.running ??= this.each('refresh').finally(() => {
      this.running = null;
    });
    return this.running;
  }

  /** One full verification pass. */
  verifyPass(): Promise<RefreshPass> {
    this.verifying ??= this.each('verify').finally(() => {
      this.verifying = null;
    });
    return this.verifying;
  }

  /** Reads the capture logs; refreshes the rollups with new changes. Returns the rollups refreshed. */
  capturePass(): Promise<readonly string[]> {
    this.capturing ??= this.captured().finally(() => {
      this.capturing = null;
    });
    return this.capturing;
  }

  private async captured(): Promise<readonly string[]> {
    const pending = (await this.o.rollups.captured?.()) ?? [];
    if (pending.length === 0) return [];
    // A log seen for the first time holds changes from before the rollup read it (other rollups' or
    // before the install): the refresh records the position; cached answers stay, nothing they knew moved.
    const changed = [...new Set(pending.filter((p) => !p.first).map((p) => p.table))];
    if (changed.length > 0) await this.o.onCaptured?.(changed);
    const refreshed: string[] = [];
    for (const { name } of pending) {
      try {
        const load = await this.o.rollups.refresh(name);
        refreshed.push(name);
        if (load.repaired.length > 0)
          this.o.log?.(
            `scheduler: rollup ${name}: captured changes re-loaded ${load.repaired.length} partitions`,
          );
      } catch (error) {
        // Busy with another load (which reads the log too) or failing: the next poll tries again.
        this.o.log?.(
          `scheduler: rollup ${name}: captured changes not loaded yet: ${(error as Error).message}`,
        );
      }
    }
    return refreshed;
  }

  private async each(action: Action): Promise<RefreshPass> {
    const refreshed: string[] = [];
    const failed: string[] = [];
    const run = action === 'verify' ? this.o.rollups.verify : this.o.rollups.refresh;
    if (!run) return { refreshed, failed };
    for (const r of await this.o.rollups.list()) {
      if (!r.state) {
        if (!this.named.has(r.name)) {
          this.named.add(r.name);
          this.o.log?.(
            `scheduler: rollup ${r.name} is not built; POST /api/rollups/${r.name}/build builds it`,
          );
        }
        continue;
      }
      try {
        const load = await run(r.name);
        refreshed.push(r.name);
        if (load.factRows > 0)
          this.o.log?.(`scheduler: rollup ${r.name} loaded ${load.factRows} rows up to ${load.to}`);
        if (load.repaired.length > 0)
          this.o.log?.(
            `scheduler: rollup ${r.name}: ${action} re-loaded ${load.repaired.length} partitions whose source changed: ${load.repaired
              .slice(0, 5)
              .map(([s]) => s.slice(0, 10))
              .join(', ')}`,
          );
      } catch (error) {
        failed.push(r.name);
        this.o.log?.(
          `scheduler: rollup ${r.name} not ${action === 'verify' ? 'verified' : 'refreshed'}: ${(error as Error).message}`,
        );
      }
    }
    return { refreshed, failed };
  }
}
