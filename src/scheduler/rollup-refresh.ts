/**
 * Keeps built rollups fresh: every interval, each rollup that is built is refreshed (only source rows
 * after its watermark are loaded). Rollups never built are left alone — a cold build can be heavy, so it
 * is asked for explicitly (POST /api/rollups/NAME/build or `kpi rollup build`); they are named once in
 * the log. One rollup failing does not stop the others; it is tried again next time.
 */
import type { RollupAdmin } from '../api/deps.ts';

export interface RollupRefreshOptions {
  readonly rollups: Pick<RollupAdmin, 'list' | 'refresh'>;
  readonly intervalMs: number;
  readonly log?: (line: string) => void;
}

export interface RefreshPass {
  readonly refreshed: readonly string[];
  readonly failed: readonly string[];
}

export class RollupRefresher {
  private timer: NodeJS.Timeout | null = null;
  private running: Promise<RefreshPass> | null = null;
  private readonly named = new Set<string>();

  constructor(private readonly o: RollupRefreshOptions) {}

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => void this.pass().catch(() => {}), this.o.intervalMs);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearInterval(this.timer);
    this.timer = null;
    await this.running?.catch(() => undefined);
  }

  /** One pass over the rollups (a pass still running is joined, not doubled). */
  pass(): Promise<RefreshPass> {
    this.running ??= this.refreshBuilt().finally(() => {
      this.running = null;
    });
    return this.running;
  }

  private async refreshBuilt(): Promise<RefreshPass> {
    const refreshed: string[] = [];
    const failed: string[] = [];
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
        const load = await this.o.rollups.refresh(r.name);
        refreshed.push(r.name);
        if (load.factRows > 0)
          this.o.log?.(`scheduler: rollup ${r.name} loaded ${load.factRows} rows up to ${load.to}`);
      } catch (error) {
        failed.push(r.name);
        this.o.log?.(`scheduler: rollup ${r.name} not refreshed: ${(error as Error).message}`);
      }
    }
    return { refreshed, failed };
  }
}
