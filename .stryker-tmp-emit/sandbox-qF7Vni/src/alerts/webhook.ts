/**
 * Alert events POSTed to a webhook, signed so the receiver can tell they come from this service:
 * `X-KPI-Signature: sha256=<hex HMAC-SHA256 of "<timestamp>.<body>">` with the shared secret, and
 * `X-KPI-Timestamp` (Unix seconds) so a receiver can refuse replays. An attempt fails on a network
 * error, a timeout or any non-2xx status; the caller retries with backoff.
 */
// @ts-nocheck

import { createHmac } from 'node:crypto';

export interface WebhookTarget {
  readonly url: string;
  /** The shared secret of the HMAC signature; empty: the request is sent unsigned. */
  readonly secret: string;
  /** One attempt's time limit. */
  readonly timeoutMs: number;
}

export const SIGNATURE_HEADER = 'x-kpi-signature';
export const TIMESTAMP_HEADER = 'x-kpi-timestamp';

/** The signature of a body sent at `timestamp` (seconds): what a receiver recomputes and compares. */
export function signature(secret: string, timestamp: number, body: string): string {
  return `sha256=${createHmac('sha256', secret).update(`${timestamp}.${body}`).digest('hex')}`;
}

export type AttemptOutcome = { readonly ok: true } | { readonly ok: false; readonly error: string };

/** One delivery attempt of a JSON body. Never throws: the outcome says what happened. */
export async function postSigned(
  target: WebhookTarget,
  body: string,
  headers: Readonly<Record<string, string>> = {},
  now: () => number = Date.now,
): Promise<AttemptOutcome> {
  const timestamp = Math.floor(now() / 1000);
  try {
    const response = await fetch(target.url, {
      method: 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': 'kpi-engine-alerts',
        [TIMESTAMP_HEADER]: String(timestamp),
        ...(target.secret ? { [SIGNATURE_HEADER]: signature(target.secret, timestamp, body) } : {}),
        ...headers,
      },
      body,
      redirect: 'manual',
      signal: AbortSignal.timeout(target.timeoutMs),
    });
    // The receiver's answer is not read beyond its status; drop it so the connection is freed.
    await response.body?.cancel().catch(() => {});
    return response.ok ? { ok: true } : { ok: false, error: `HTTP ${response.status}` };
  } catch (error) {
    const e = error as Error & { cause?: { code?: string } };
    return { ok: false, error: e.name === 'TimeoutError' ? 'timeout' : (e.cause?.code ?? e.message) };
  }
}

/** The pause before attempt `n` (2, 3, …): doubling from `baseMs`, at most `maxMs`, with ±20 % jitter. */
export function backoffMs(
  attempt: number,
  baseMs: number,
  maxMs: number,
  random: () => number = Math.random,
): number {
  const plain = Math.min(maxMs, baseMs * 2 ** Math.max(0, attempt - 2));
  return Math.round(plain * (0.8 + 0.4 * random()));
}
