/**
 * Sends scheduled reports: wakes at the next instant any report is due (and at least every minute, so
 * new and changed reports are picked up), claims each due run in the metrics store (one instance sends
 * it), renders the report over the period that just ended and hands it to the sinks; the run and each
 * delivery are recorded. After downtime, the latest run missed within the catch-up horizon is sent (not
 * every missed one: a pile of stale reports helps nobody).
 */
// @ts-nocheck

import type { ReportRun, ReportRunStore, RunOutcome } from '../store/report-runs-store.ts';
import { type ReportDeps, type ReportDoc, renderReport } from './render.ts';
import { lastDue, nextDue, periodOf, type ReportSchedule } from './schedule.ts';
import { deliver, type SinkOptions } from './sinks.ts';

export type ScheduledReport = ReportDoc & { readonly schedule?: ReportSchedule | undefined };

export interface ReportSchedulerOptions {
  readonly reports: { list(): Promise<readonly unknown[]> };
  readonly runs: ReportRunStore;
  readonly deps: ReportDeps;
  readonly sinks: SinkOptions;
  /** How far back a missed run is still sent. */
  readonly catchUpMs: number;
  readonly now?: () => Date;
  readonly log?: (line: string) => void;
}

/** A claimed run left `running` this long belongs to an instance that died: another may take it. */
const STALE_RUN_MS = 15 * 60_000;
const MAX_SLEEP_MS = 60_000;

export class ReportScheduler {
  private timer: NodeJS.Timeout | null = null;
  private ticking: Promise<number> | null = null;

  constructor(private readonly o: ReportSchedulerOptions) {}

  private now(): Date {
    return (this.o.now ?? (() => new Date()))();
  }

  start(): void {
    if (this.timer) return;
    const loop = async () => {
      await this.tick().catch((e) => this.o.log?.(`reports: ${(e as Error).message}`));
      if (this.timer === null) return;
      this.timer = setTimeout(loop, await this.sleepMs());
      this.timer.unref();
    };
    this.timer = setTimeout(loop, 0);
    this.timer.unref();
  }

  async stop(): Promise<void> {
    if (this.timer) clearTimeout(this.timer);
    this.timer = null;
    await this.ticking?.catch(() => 0);
  }

  /** Sends every run that is due and not sent yet; returns how many it sent. */
  tick(): Promise<number> {
    this.ticking ??= this.pass().finally(() => {
      this.ticking = null;
    });
    return this.ticking;
  }

  /** Sends a report now, for the period its schedule (or `daily`) would report on at this instant. */
  async sendNow(report: ScheduledReport): Promise<ReportRun> {
    const now = this.now();
    const schedule = report.schedule ?? {
      frequency: 'daily',
      time: '00:00',
      timezone: 'UTC',
      recipients: [],
    };
    await this.run(report, schedule, now);
    return (await this.o.runs.list(report.id, 1))[0]!;
  }

  runs(reportId: string, limit: number): Promise<ReportRun[]> {
    return this.o.runs.list(reportId, limit);
  }

  private async scheduled(): Promise<ScheduledReport[]> {
    return ((await this.o.reports.list()) as ScheduledReport[]).filter((r) => r.schedule);
  }

  private async sleepMs(): Promise<number> {
    const now = this.now();
    let sleep = MAX_SLEEP_MS;
    for (const r of await this.scheduled().catch(() => [])) {
      const next = nextDue(r.schedule!, now);
      if (next) sleep = Math.min(sleep, Math.max(0, next.getTime() - now.getTime()));
    }
    return sleep;
  }

  private async pass(): Promise<number> {
    const now = this.now();
    let sent = 0;
    for (const report of await this.scheduled()) {
      const due = lastDue(report.schedule!, now);
      if (!due || now.getTime() - due.getTime() > this.o.catchUpMs) continue;
      try {
        if (await this.run(report, report.schedule!, due)) sent++;
      } catch (error) {
        this.o.log?.(`reports: ${report.id} due ${due.toISOString()}: ${(error as Error).message}`);
      }
    }
    return sent;
  }

  /** Claims, renders and delivers one run; false when another instance has it (or had it). */
  private async run(report: ScheduledReport, schedule: ReportSchedule, due: Date): Promise<boolean> {
    const period = periodOf(schedule, due);
    if (!(await this.o.runs.claim(report.id, due, period, this.now(), STALE_RUN_MS))) return false;
    let outcome: RunOutcome = 'failed';
    let records: Awaited<ReturnType<typeof deliver>> = [];
    try {
      const format = report.format === 'json' ? 'json' : 'csv';
      const rendered = await renderReport(
        this.o.deps,
        report,
        { start: period.start, end: period.end, tz: schedule.timezone },
        format,
      );
      records = await deliver(
        { reportId: report.id, period, rendered, recipients: schedule.recipients },
        this.o.sinks,
      );
      // Nothing delivered (no sink, or only e-mail recipients): failed, with the reasons on the records.
      const delivered = records.filter((r) => r.outcome === 'delivered').length;
      const failed = records.filter((r) => r.outcome === 'failed').length;
      outcome = delivered === 0 ? 'failed' : failed > 0 ? 'partial' : 'delivered';
    } finally {
      await this.o.runs.finish(report.id, due, outcome, records, this.now());
    }
    return true;
  }
}
