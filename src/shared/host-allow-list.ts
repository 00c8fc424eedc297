/**
 * WEBHOOK_HOSTS: which hosts the service may POST to (alert webhooks, report recipients). A report's
 * recipients are written by API users, so without a list anyone allowed to create a report could make
 * the service call internal addresses (a cloud metadata endpoint, the admin port of a database); with
 * one, a URL outside it is refused when the report is saved and again before every delivery.
 *
 * An entry is a host name or address (`hooks.example.com`, `10.0.0.7`, `[::1]`), `*.example.com` for
 * any subdomain (not example.com itself), either optionally with `:port` (then only that port).
 */

/** null: no list was configured, every host is allowed. */
export type HostAllowList = readonly string[] | null;

const ENTRY = /^(\*\.)?([a-z0-9-]+(\.[a-z0-9-]+)*|\[[0-9a-f:.]+\])(:\d{1,5})?$/;

/** The entries of a comma-separated list, lower-cased; throws naming the first entry that is not one. */
export function parseHostAllowList(text: string): readonly string[] {
  const entries = text
    .split(',')
    .map((s) => s.trim().toLowerCase())
    .filter((s) => s !== '');
  const bad = entries.find((e) => !ENTRY.test(e));
  if (bad !== undefined) {
    throw new Error(`"${bad}" is not a host, *.domain or host:port`);
  }
  return Object.freeze(entries);
}

const defaultPort = (protocol: string): string => (protocol === 'https:' ? '443' : '80');

function matches(entry: string, host: string, port: string): boolean {
  const colon = entry.lastIndexOf(':');
  const hasPort = colon > entry.lastIndexOf(']');
  const entryHost = hasPort ? entry.slice(0, colon) : entry;
  if (hasPort && entry.slice(colon + 1) !== port) return false;
  return entryHost.startsWith('*.') ? host.endsWith(entryHost.slice(1)) : host === entryHost;
}

/** Why `url` may not be called under `allowed`, or null when it may. */
export function hostRefusal(url: string, allowed: HostAllowList): string | null {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    return `"${url.slice(0, 200)}" is not a URL`;
  }
  if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') {
    return `${parsed.protocol} URLs are not sent to (http and https only)`;
  }
  if (allowed === null) return null;
  // URL lower-cases the host and normalizes IP addresses (0x7f.1 → 127.0.0.1), so an address cannot
  // slip past the list by being spelled differently.
  const host = parsed.hostname;
  const port = parsed.port || defaultPort(parsed.protocol);
  return allowed.some((entry) => matches(entry, host, port))
    ? null
    : `host ${parsed.host} is not in WEBHOOK_HOSTS`;
}
