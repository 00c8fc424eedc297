/**
 * The app's one way to the API: same origin, the user's bearer token when one is set, and every error as
 * an ApiFailure carrying the service's `{error: {code, message, details}}`.
 */
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
