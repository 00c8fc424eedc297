/**
 * How kpi-engine connects to Trino: the URL (http:// or https://; TLS certificates are checked as by any
 * Node client — a private CA goes in NODE_EXTRA_CA_CERTS), the user, and a password for Trino's
 * password authentication. Credentials come from `TRINO_URL` itself (`https://user:password@host:8443`)
 * or from `TRINO_USER` / `TRINO_PASSWORD`, which win. The URL handed around never carries them: requests
 * send `Authorization: Basic …`, and messages show the URL without them.
 *
 * The X-Trino-User of a query is the end user where the service knows one (a token's subject, sent on
 * with impersonation) and the connection's user otherwise. Trino takes passwords over HTTPS only, so a
 * password with an http:// URL is refused here instead of being sent in clear text.
 */
// @ts-nocheck


export interface TrinoConnection {
  /** The server's URL without credentials or trailing slash: what to request and what to print. */
  readonly url: string;
  /** The authenticated (or, without a password, the asserted) user; default `kpi-engine`. */
  readonly user: string;
  /** `Authorization` when a password is set. */
  readonly authorization: string | null;
}

export interface TrinoSettings {
  readonly TRINO_URL?: string | undefined;
  readonly TRINO_USER?: string | undefined;
  readonly TRINO_PASSWORD?: string | undefined;
}

export class TrinoConfigError extends Error {
  override readonly name = 'TrinoConfigError';
}

const DEFAULT_USER = 'kpi-engine';

/** Parses the settings into a connection; throws TrinoConfigError for a URL Trino could not serve. */
export function trinoConnection(settings: TrinoSettings): TrinoConnection {
  const text = settings.TRINO_URL?.trim();
  if (!text) throw new TrinoConfigError('TRINO_URL is not set');
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    throw new TrinoConfigError('TRINO_URL is not a URL');
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    throw new TrinoConfigError(`TRINO_URL must be http:// or https://, not ${parsed.protocol}`);
  }
  const user = settings.TRINO_USER?.trim() || decodeURIComponent(parsed.username) || DEFAULT_USER;
  const password = settings.TRINO_PASSWORD ?? (parsed.password ? decodeURIComponent(parsed.password) : '');
  parsed.username = '';
  parsed.password = '';
  const url = parsed.href.replace(/\/$/, '');
  if (password && parsed.protocol !== 'https:') {
    throw new TrinoConfigError(
      `a Trino password needs an https:// TRINO_URL (Trino accepts passwords over TLS only): ${url}`,
    );
  }
  const authorization = password ? `Basic ${Buffer.from(`${user}:${password}`).toString('base64')}` : null;
  return Object.freeze({ url, user, authorization });
}

/**
 * TRINO_URL with TRINO_USER / TRINO_PASSWORD written into it: the one value handed to every Trino client
 * of the process (configuration and `.stack/env` readers call this; clients call `trinoConnection`).
 */
export function trinoUrlWithCredentials(settings: TrinoSettings): string | undefined {
  const text = settings.TRINO_URL?.trim();
  if (!text || (!settings.TRINO_USER && !settings.TRINO_PASSWORD)) return text;
  let parsed: URL;
  try {
    parsed = new URL(text);
  } catch {
    return text; // trinoConnection says what is wrong with it
  }
  if (settings.TRINO_USER) parsed.username = encodeURIComponent(settings.TRINO_USER);
  if (settings.TRINO_PASSWORD) parsed.password = encodeURIComponent(settings.TRINO_PASSWORD);
  return parsed.href.replace(/\/$/, '');
}

/** The headers every request of a query sends: who runs it, and the credentials. */
export function trinoHeaders(connection: TrinoConnection, endUser?: string | null): Record<string, string> {
  return {
    'X-Trino-User': endUser || connection.user,
    ...(connection.authorization ? { Authorization: connection.authorization } : {}),
  };
}

/**
 * Whether and how long to wait before sending a request again, as Trino's client protocol allows: a 503
 * means the coordinator did not take the request (any request may be sent again); 502 and 504 come
 * from a proxy in between, where a POST may have reached Trino already — only GETs and DELETEs of a
 * `nextUri` are repeated then (they are idempotent). Exponential backoff from 50 ms, at most 5 tries.
 */
export function retryDelayMs(status: number, method: string, attempt: number): number | null {
  if (attempt >= 5) return null;
  const retryable = status === 503 || ((status === 502 || status === 504) && method !== 'POST');
  if (!retryable) return null;
  const base = Math.min(50 * 2 ** attempt, 1_000);
  return base + Math.floor(Math.random() * base);
}
