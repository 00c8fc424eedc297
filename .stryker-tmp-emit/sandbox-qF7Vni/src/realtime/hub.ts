/**
 * Realtime topics. A topic is one question (a KPI and its route parameters): while anybody listens it
 * is recomputed every `intervalMs` — one computation however many listen — and each new answer goes
 * to every subscriber in the same order, with an increasing id. A new subscriber gets the latest answer
 * at once; one that reconnects with the id it saw last gets what it missed (from a short history) or,
 * when that is gone, the latest. The loop stops when the last subscriber leaves.
 *
 * Plain code: no HTTP, no engine. The transport (SSE, WebSocket) is a Subscriber; the computation is
 * the topic's `compute`. Both are given by the caller.
 */
// @ts-nocheck


export type RealtimeEventType = 'value' | 'error' | 'alert';

export interface RealtimeEvent {
  readonly id: number;
  readonly type: RealtimeEventType;
  /** JSON text: the metric route's body, its error body, or an alert event. */
  readonly data: string;
}

export type DropReason = 'slow-client' | 'shutdown';

export interface Subscriber {
  /** Delivers an event; false when the subscriber's bounded buffer is full (the hub then drops it). */
  send(event: RealtimeEvent): boolean;
  /** The hub let go of the subscriber, and why; called at most once. */
  close(reason: DropReason): void;
}

/** One computation's outcome: the body to push, and what decides whether it is news. */
export interface Computed {
  readonly type: RealtimeEventType;
  readonly data: string;
  /** Equal fingerprints are not pushed again (a body differing only in `computedAt` is no news). */
  readonly fingerprint: string;
}

export interface TopicSpec {
  readonly key: string;
  /** Topics about one thing (a KPI's questions): `announce` reaches all of them. */
  readonly group?: string;
  readonly intervalMs: number;
  compute(): Promise<Computed>;
}

export interface HubOptions {
  /** Topics computing at once; one more subscription to a new question is refused. */
  readonly maxTopics: number;
  /** Subscribers in all; one more is refused. */
  readonly maxSubscribers: number;
  /** Events kept per topic for reconnecting subscribers. */
  readonly historySize?: number;
  /** Told of every event pushed, with how many subscribers it went to (for /metrics). */
  readonly onPush?: (subscribers: number) => void;
  readonly onDrop?: (reason: DropReason) => void;
  readonly now?: () => number;
}

export class RealtimeLimitError extends Error {
  constructor(readonly limit: 'topics' | 'subscribers') {
    super(`too many realtime ${limit}`);
  }
}

interface Topic {
  readonly spec: TopicSpec;
  readonly subscribers: Set<Subscriber>;
  readonly history: RealtimeEvent[];
  fingerprint: string | null;
  timer: NodeJS.Timeout | null;
}

export class RealtimeHub {
  private readonly topics = new Map<string, Topic>();
  private subscriberCount = 0;
  /** Ids grow across topics and start from the clock, so an id from before a restart is never reused. */
  private nextId: number;
  private closed = false;

  constructor(private readonly o: HubOptions) {
    this.nextId = (o.now ?? Date.now)();
  }

  get stats(): { topics: number; subscribers: number } {
    return { topics: this.topics.size, subscribers: this.subscriberCount };
  }

  /**
   * Subscribes to a question; returns the unsubscribe function. `lastEventId`: the last id this client
   * saw (SSE's Last-Event-ID), so it gets what it missed rather than only the latest.
   */
  subscribe(spec: TopicSpec, subscriber: Subscriber, lastEventId?: number): () => void {
    if (this.closed) throw new RealtimeLimitError('topics');
    if (this.subscriberCount >= this.o.maxSubscribers) throw new RealtimeLimitError('subscribers');
    let topic = this.topics.get(spec.key);
    if (!topic) {
      if (this.topics.size >= this.o.maxTopics) throw new RealtimeLimitError('topics');
      topic = { spec, subscribers: new Set(), history: [], fingerprint: null, timer: null };
      this.topics.set(spec.key, topic);
      this.tick(topic);
    }
    topic.subscribers.add(subscriber);
    this.subscriberCount++;
    const t = topic;
    for (const event of this.catchUp(t, lastEventId)) {
      if (!subscriber.send(event)) {
        this.drop(t, subscriber, 'slow-client');
        break;
      }
    }
    return () => this.leave(t, subscriber);
  }

  /**
   * Pushes an event that is not a recomputed answer (an alert) to every topic of a group, in order
   * with its answers and kept in its history like them; the answer's fingerprint is left as it is.
   */
  announce(group: string, type: RealtimeEventType, data: string): void {
    for (const topic of this.topics.values()) {
      if (topic.spec.group === group) this.push(topic, type, data);
    }
  }

  /** Lets every subscriber go (they are told why) and stops every loop. */
  close(): void {
    this.closed = true;
    for (const topic of [...this.topics.values()]) {
      for (const s of [...topic.subscribers]) this.drop(topic, s, 'shutdown');
    }
  }

  private catchUp(topic: Topic, lastEventId: number | undefined): RealtimeEvent[] {
    const { history } = topic;
    if (history.length === 0) return [];
    const seen = lastEventId === undefined ? -1 : history.findIndex((e) => e.id === lastEventId);
    if (seen >= 0) return history.slice(seen + 1);
    // Unknown id (too old, or from before a restart): the latest answer is what it needs.
    for (let i = history.length - 1; i >= 0; i--) if (history[i]!.type !== 'alert') return [history[i]!];
    return [];
  }

  private tick(topic: Topic): void {
    topic.timer = null;
    topic.spec
      .compute()
      .catch(
        (error: unknown): Computed => ({
          type: 'error',
          data: JSON.stringify({ error: { message: String((error as Error)?.message ?? error) } }),
          fingerprint: `error:${String((error as Error)?.message ?? error)}`,
        }),
      )
      .then((computed) => {
        if (this.topics.get(topic.spec.key) !== topic) return; // nobody listens any more
        if (computed.fingerprint !== topic.fingerprint) this.publish(topic, computed);
        topic.timer = setTimeout(() => this.tick(topic), topic.spec.intervalMs);
        topic.timer.unref?.();
      });
  }

  private publish(topic: Topic, computed: Computed): void {
    topic.fingerprint = computed.fingerprint;
    this.push(topic, computed.type, computed.data);
  }

  private push(topic: Topic, type: RealtimeEventType, data: string): void {
    const event: RealtimeEvent = Object.freeze({ id: this.nextId++, type, data });
    topic.history.push(event);
    if (topic.history.length > (this.o.historySize ?? 32)) topic.history.shift();
    for (const s of [...topic.subscribers]) {
      if (!s.send(event)) this.drop(topic, s, 'slow-client');
    }
    this.o.onPush?.(topic.subscribers.size);
  }

  private drop(topic: Topic, subscriber: Subscriber, reason: DropReason): void {
    if (!topic.subscribers.has(subscriber)) return;
    this.leave(topic, subscriber);
    this.o.onDrop?.(reason);
    subscriber.close(reason);
  }

  private leave(topic: Topic, subscriber: Subscriber): void {
    if (!topic.subscribers.delete(subscriber)) return;
    this.subscriberCount--;
    if (topic.subscribers.size > 0) return;
    // The last one left: stop recomputing (a computation under way finishes and is discarded).
    if (topic.timer) clearTimeout(topic.timer);
    topic.timer = null;
    this.topics.delete(topic.spec.key);
  }
}
