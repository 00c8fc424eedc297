/**
 * The app's one way to the API: same origin, the user's bearer token when one is set, and every error as
 * an ApiFailure carrying the service's `{error: {code, message, details}}`.
 */
// @ts-nocheck

const TOKEN_KEY = 'kpi-engine-token';

export class ApiFailure extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details: unknown,
  ) {
    super(message);
  }
}

export const getToken = (): string => sessionStorage.getItem(TOKEN_KEY) ?? '';
export function setToken(token: string): void {
  if (token) sessionStorage.setItem(TOKEN_KEY, token);
  else sessionStorage.removeItem(TOKEN_KEY);
}

export interface ApiResponse<T> {
  readonly data: T;
  readonly headers: Headers;
  readonly status: number;
}

export async function request<T>(path: string, init: RequestInit = {}): Promise<ApiResponse<T>> {
  const headers = new Headers(init.headers);
  const token = getToken();
  if (token) headers.set('Authorization', `Bearer ${token}`);
  if (typeof init.body === 'string' && !headers.has('Content-Type'))
    headers.set('Content-Type', 'application/json');
  const res = await fetch(path, { ...init, headers });
  const text = await res.text();
  let body: unknown = null;
  try {
    body = text ? JSON.parse(text) : null;
  } catch {
    body = text;
  }
  if (!res.ok) {
    const e = (body as { error?: { code?: string; message?: string; details?: unknown } } | null)?.error;
    throw new ApiFailure(
      res.status,
      e?.code ?? `http-${res.status}`,
      e?.message ?? res.statusText,
      e?.details ?? null,
    );
  }
  return { data: body as T, headers: res.headers, status: res.status };
}

export const get = <T>(path: string) => request<T>(path);
export const post = <T>(path: string, body: unknown, headers: Record<string, string> = {}) =>
  request<T>(path, { method: 'POST', body: typeof body === 'string' ? body : JSON.stringify(body), headers });

/** Plain words for a failure, 401 and 403 first: those are what a user can act on. */
export function explain(error: unknown): string {
  if (error instanceof ApiFailure) {
    if (error.status === 401)
      return `Not signed in (401): ${error.message}. Set a token with the Token button.`;
    if (error.status === 403)
      return `Not allowed (403): ${error.message}. Your token lacks the scope this needs.`;
    return `${error.message} (${error.status} ${error.code})`;
  }
  return error instanceof Error ? error.message : String(error);
}

export interface Definition {
  readonly id: string;
  readonly name: string;
  readonly category: string;
  readonly description: string;
  readonly version: number;
  readonly format: 'dsl' | 'json';
  readonly dsl: string;
  readonly dimensions: string[];
  readonly aggregations: string[];
  readonly dependsOn: string[];
  readonly thresholds?: Thresholds;
  readonly displayFormat?: string;
  readonly schedule?: { frequency: string };
}
export interface Threshold {
  readonly op: '>' | '>=' | '<' | '<=';
  readonly value: number;
}
export interface Thresholds {
  readonly warning?: Threshold;
  readonly critical?: Threshold;
}
export interface MetricValue {
  readonly value: number | null;
  readonly previousValue: number | null;
  readonly trend: { direction: 'up' | 'down' | 'stable'; percentage: number };
  readonly range: { start: string; end: string };
  readonly format?: string;
}
export type HistoryRow = { time: string; value: number | null } & Record<string, unknown>;
export interface History {
  readonly history: HistoryRow[];
}
export interface Breakdowns {
  readonly dimensions: { dimension: string; values: { key: unknown; value: number | null }[] }[];
}

/**
 * Follows a Server-Sent Events route (with fetch, so the token goes along; EventSource cannot send it)
 * while `alive()` holds: `onEvent` gets each event's type and parsed data. A dropped connection is
 * resumed with the last id seen (Last-Event-ID), after a pause that doubles up to 30 s.
 */
export async function follow(
  path: string,
  onEvent: (type: string, data: unknown) => void,
  alive: () => boolean,
): Promise<void> {
  let lastId = '';
  let pause = 1_000;
  while (alive()) {
    const headers = new Headers({ Accept: 'text/event-stream' });
    const token = getToken();
    if (token) headers.set('Authorization', `Bearer ${token}`);
    if (lastId) headers.set('Last-Event-ID', lastId);
    try {
      const res = await fetch(path, { headers });
      if (!res.ok || !res.body) throw new Error(`stream answered ${res.status}`);
      const reader = res.body.getReader();
      const decoder = new TextDecoder();
      let buffer = '';
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        if (!alive()) {
          await reader.cancel();
          return;
        }
        buffer += decoder.decode(value, { stream: true });
        for (let end = buffer.indexOf('\n\n'); end >= 0; end = buffer.indexOf('\n\n')) {
          const frame = buffer.slice(0, end);
          buffer = buffer.slice(end + 2);
          let type = 'message';
          let data = '';
          for (const line of frame.split('\n')) {
            if (line.startsWith('id: ')) lastId = line.slice(4);
            else if (line.startsWith('event: ')) type = line.slice(7);
            else if (line.startsWith('data: ')) data += line.slice(6);
          }
          if (data) onEvent(type, JSON.parse(data));
        }
        pause = 1_000;
      }
    } catch {
      // Offline, or the service restarted: try again below.
    }
    await new Promise((resolve) => setTimeout(resolve, pause));
    pause = Math.min(pause * 2, 30_000);
  }
}
