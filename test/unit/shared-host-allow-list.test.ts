import { describe, expect, it } from 'vitest';
import { hostRefusal, parseHostAllowList } from '../../src/shared/host-allow-list.ts';

describe('WEBHOOK_HOSTS matching', () => {
  const list = parseHostAllowList('*.example.com, hooks.acme.io:8443, [::1], 127.0.0.1:9000');

  it.each([
    ['https://a.example.com/x', null],
    ['https://deep.a.example.com/', null],
    ['https://hooks.acme.io:8443/x', null],
    ['http://[::1]:5/', null],
    // URL normalizes addresses and case: the spelling cannot get past the list.
    ['http://0x7f.1:9000/', null],
    ['HTTPS://A.EXAMPLE.COM/', null],
  ])('allows %s', (url, expected) => {
    expect(hostRefusal(url, list)).toBe(expected);
  });

  it.each([
    // `*.` is subdomains only; a suffix that is not a label boundary does not match.
    ['https://example.com/', 'host example.com is not in WEBHOOK_HOSTS'],
    ['https://badexample.com/', 'host badexample.com is not in WEBHOOK_HOSTS'],
    ['https://a.example.com.evil.com/', 'host a.example.com.evil.com is not in WEBHOOK_HOSTS'],
    // A port in the entry is the only port; none in the URL means the scheme's default.
    ['https://hooks.acme.io/', 'host hooks.acme.io is not in WEBHOOK_HOSTS'],
    ['http://127.0.0.1:9001/', 'host 127.0.0.1:9001 is not in WEBHOOK_HOSTS'],
    // The user-info part is not the host.
    ['http://a.example.com@evil.com/', 'host evil.com is not in WEBHOOK_HOSTS'],
    ['http://evil.com/?to=a.example.com', 'host evil.com is not in WEBHOOK_HOSTS'],
    ['ftp://a.example.com/', 'ftp: URLs are not sent to (http and https only)'],
    ['not a url', '"not a url" is not a URL'],
  ])('refuses %s', (url, expected) => {
    expect(hostRefusal(url, list)).toBe(expected);
  });

  it('allows every http(s) host without a list, and never other schemes', () => {
    expect(hostRefusal('http://169.254.169.254/', null)).toBeNull();
    expect(hostRefusal('file:///etc/passwd', null)).toMatch(/^file: URLs are not sent to/);
  });

  it('an entry with a port matches the default port of the scheme', () => {
    const l = parseHostAllowList('hooks.acme.io:443');
    expect(hostRefusal('https://hooks.acme.io/', l)).toBeNull();
    expect(hostRefusal('http://hooks.acme.io/', l)).toBe('host hooks.acme.io is not in WEBHOOK_HOSTS');
  });

  it('refuses entries that are not hosts, naming the first', () => {
    expect(() => parseHostAllowList('ok.example.com, http://x.com/')).toThrow('"http://x.com/" is not');
    expect(() => parseHostAllowList('a.com, *')).toThrow('"*" is not');
    expect(parseHostAllowList(' , a.com ,')).toEqual(['a.com']);
  });
});
