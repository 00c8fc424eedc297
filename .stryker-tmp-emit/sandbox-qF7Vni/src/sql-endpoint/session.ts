/**
 * The client's session as Trino's protocol carries it in `X-Trino-*` request headers (the client keeps
 * the state and sends it with every statement), and the response headers that change it.
 */
// @ts-nocheck


export interface Session {
  readonly user: string | null;
  readonly source: string | null;
  readonly catalog: string | null;
  readonly schema: string | null;
  readonly timeZone: string | null;
  readonly clientTags: readonly string[];
  readonly properties: ReadonlyMap<string, string>;
  /** name → statement text (X-Trino-Prepared-Statement, URL-encoded by the clients). */
  readonly preparedStatements: ReadonlyMap<string, string>;
}

function decode(text: string): string {
  try {
    return decodeURIComponent(text.replace(/\+/g, ' '));
  } catch {
    return text;
  }
}

/** `a=1,b=2` (each side URL-encoded), possibly over several headers. */
function pairs(values: readonly string[]): Map<string, string> {
  const out = new Map<string, string>();
  for (const value of values) {
    for (const part of value.split(',')) {
      const eq = part.indexOf('=');
      if (eq <= 0) continue;
      out.set(decode(part.slice(0, eq).trim()), decode(part.slice(eq + 1).trim()));
    }
  }
  return out;
}

export function readSession(headers: Headers): Session {
  const one = (name: string) => {
    const v = headers.get(name);
    return v === null || v.trim() === '' ? null : v.trim();
  };
  const all = (name: string) => {
    const v = headers.get(name);
    return v === null ? [] : [v];
  };
  return {
    user: one('x-trino-user'),
    source: one('x-trino-source'),
    catalog: one('x-trino-catalog')?.toLowerCase() ?? null,
    schema: one('x-trino-schema')?.toLowerCase() ?? null,
    timeZone: one('x-trino-time-zone'),
    clientTags: (one('x-trino-client-tags') ?? '')
      .split(',')
      .map((t) => t.trim())
      .filter(Boolean),
    properties: pairs(all('x-trino-session')),
    preparedStatements: pairs(all('x-trino-prepared-statement')),
  };
}

/** Response headers as Trino names them; values URL-encoded where Trino encodes them. */
export const responseHeaders = {
  setCatalog: (catalog: string) => ['X-Trino-Set-Catalog', catalog] as const,
  setSchema: (schema: string) => ['X-Trino-Set-Schema', schema] as const,
  addedPrepare: (name: string, sql: string) =>
    ['X-Trino-Added-Prepare', `${encodeURIComponent(name)}=${encodeURIComponent(sql)}`] as const,
  deallocatedPrepare: (name: string) => ['X-Trino-Deallocated-Prepare', encodeURIComponent(name)] as const,
  setSession: (name: string, value: string) =>
    ['X-Trino-Set-Session', `${encodeURIComponent(name)}=${encodeURIComponent(value)}`] as const,
  clearSession: (name: string) => ['X-Trino-Clear-Session', encodeURIComponent(name)] as const,
};

/** X-Trino-* headers sent on to Trino: the client's own with `user` as X-Trino-User, never our Authorization. */
export function headersForTrino(headers: Headers, session: Session, user: string): Record<string, string> {
  const out: Record<string, string> = {};
  headers.forEach((value, name) => {
    if (name.startsWith('x-trino-')) out[name] = value;
  });
  if (session.catalog === 'kpi') {
    // Trino has no catalog kpi: a statement sent on from a kpi session names its tables in full.
    delete out['x-trino-catalog'];
    delete out['x-trino-schema'];
  }
  out['x-trino-user'] = user;
  const agent = headers.get('user-agent');
  if (agent) out['user-agent'] = agent;
  return out;
}
