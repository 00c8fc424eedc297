/**
 * Alerts: every new value of a KPI with thresholds moves its subject's level (levels.ts); a change is
 * stored as an event (store/alerts-store.ts), told to listeners (the streams push it), counted, and
 * POSTed to the webhook with retries and backoff (webhook.ts), each attempt recorded. Deliveries still
 * owed at a restart are resumed, so an acknowledged change is delivered at least once (receivers
 * dedupe on the event id, sent as `X-KPI-Event-Id`).
 *
 * A subject is what a level belongs to: a scheduled KPI's series (its dimension values) or a streamed
 * question (the KPI with its route parameters).
 */
// @ts-nocheck

import type { Thresholds } from '../ir/kpi.ts';
import type { AlertEventRow, AlertFilter, AlertStore } from '../store/alerts-store.ts';
import { type AlertLevel, hasThresholds, nextLevel, thresholdOf } from './levels.ts';
import { backoffMs, postSigned, type WebhookTarget } from './webhook.ts';

export type AlertEvent = AlertEventRow;

export interface AlertOptions {
  /** Hysteresis: how far back past a line (a fraction of it) a value must go to leave its level. */
  readonly band: number;
  readonly webhook?: WebhookTarget & {
    /** Attempts in all before an event's delivery is given up (recorded as failed). */
    readonly maxAttempts: number;
    readonly backoffMs: number;
    readonly maxBackoffMs: number;
  };
  readonly onAlert?: (event: AlertEvent) => void;
  readonly onDelivery?: (outcome: 'delivered' | 'retry' | 'failed') => void;
  readonly log?: (line: string) => void;
  readonly now?: () => number;
}

export interface Observation {
  readonly kpiId: string;
  readonly subject: string;
  readonly thresholds: Thresholds | undefined;
  readonly value: number | null;
}

/** Levels remembered in process (the store stays the truth); beyond this many, the oldest are re-read. */
const MAX_REMEMBERED = 10_000;

export class AlertService {
  private readonly levels = new Map<string, AlertLevel>();
  private readonly listeners = new Set<(event: AlertEvent) => void>();
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly delivering = new Set<number>();
  private closed = false;

  constructor(
    private readonly store: AlertStore,
    private readonly o: AlertOptions,
  ) {}

  /** Resumes the deliveries a previous run left owed. */
  async start(): Promise<void> {
    if (!this.o.webhook) return;
    for (const event of await this.store.pending(1_000)) this.deliver(event);
  }

  close(): void {
    this.closed = true;
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }

  /** Listens for level changes (the streams); returns the function that stops listening. */
  listen(listener: (event: AlertEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }

  list(filter: AlertFilter): Promise<AlertEvent[]> {
    return this.store.list(filter);
  }

  /** Takes a new value; returns the event when the level changed. */
  async observe(o: Observation): Promise<AlertEvent | null> {
    const thresholds = o.thresholds;
    if (!hasThresholds(thresholds) || o.value === null || !Number.isFinite(o.value)) return null;
    const key = `${o.kpiId}\u0000${o.subject}`;
    let known = this.levels.get(key);
    if (known === undefined) known = await this.store.level(o.kpiId, o.subject);
    // Most values change nothing: then the store is not touched.
    if (nextLevel(known, o.value, thresholds, this.o.band) === known) {
      this.remember(key, known);
      return null;
    }
    const value = o.value;
    let settled: AlertLevel = known;
    const event = await this.store.change(
      {
        kpiId: o.kpiId,
        subject: o.subject,
        value,
        at: new Date((this.o.now ?? Date.now)()),
        delivery: this.o.webhook ? 'pending' : 'none',
      },
      (current) => {
        // Decided again on the level under lock: another instance may have moved it meanwhile.
        settled = nextLevel(current, value, thresholds, this.o.band);
        return {
          level: settled,
          threshold: thresholdOf(settled, thresholds) ?? thresholdOf(current, thresholds) ?? null,
        };
      },
    );
    this.remember(key, settled);
    if (!event) return null;
    this.o.onAlert?.(event);
    for (const listener of this.listeners) listener(event);
    if (this.o.webhook) this.deliver(event);
    return event;
  }

  private remember(key: string, level: AlertLevel): void {
    this.levels.delete(key);
    this.levels.set(key, level);
    if (this.levels.size > MAX_REMEMBERED) this.levels.delete(this.levels.keys().next().value as string);
  }

  /** Delivers an event (once at a time), retrying with backoff; each attempt is recorded on the event. */
  private deliver(event: AlertEvent): void {
    if (!this.o.webhook || this.closed || this.delivering.has(event.id)) return;
    this.delivering.add(event.id);
    this.attempt(event, event.attempts + 1);
  }

  private attempt(event: AlertEvent, attempt: number): void {
    const hook = this.o.webhook;
    if (!hook || this.closed) return;
    const body = JSON.stringify(webhookBody(event));
    void postSigned(hook, body, { 'x-kpi-event-id': String(event.id) }, this.o.now).then(async (outcome) => {
      const now = new Date((this.o.now ?? Date.now)());
      const last = attempt >= hook.maxAttempts;
      const delivery = outcome.ok ? 'delivered' : last ? 'failed' : 'pending';
      await this.store
        .recordAttempt(event.id, delivery, outcome.ok ? null : outcome.error, now)
        .catch((error) => this.o.log?.(`alerts: recording delivery of event ${event.id} failed: ${error}`));
      this.o.onDelivery?.(outcome.ok ? 'delivered' : last ? 'failed' : 'retry');
      if (delivery !== 'pending') {
        this.delivering.delete(event.id);
        if (!outcome.ok)
          this.o.log?.(`alerts: webhook delivery of event ${event.id} failed: ${outcome.error}`);
        return;
      }
      if (this.closed) return;
      const timer = setTimeout(
        () => {
          this.timers.delete(timer);
          this.attempt(event, attempt + 1);
        },
        backoffMs(attempt + 1, hook.backoffMs, hook.maxBackoffMs),
      );
      timer.unref?.();
      this.timers.add(timer);
    });
  }
}

/** What the webhook receives: the event, without its delivery bookkeeping. */
export function webhookBody(e: AlertEvent) {
  return {
    id: e.id,
    kpiId: e.kpiId,
    subject: e.subject,
    from: e.from,
    to: e.to,
    value: e.value,
    threshold: e.threshold,
    at: e.at,
  };
}
