/**
 * Signing in to the web app with Auth0's SPA login, in chromium against `npm start` with auth on.
 * Auth0 itself is not reachable from this machine, so the authorization server is `oidc-provider`
 * (a certified OpenID Connect implementation) serving Auth0's endpoints (`/authorize`,
 * `/oauth/token`, `/.well-known/jwks.json`) over HTTPS on 127.0.0.1, issuing RS256 JWT access tokens for
 * the service's audience — what an Auth0 tenant with an SPA application does. The app runs
 * @auth0/auth0-spa-js against it unchanged (Authorization Code with PKCE), and the service checks the
 * tokens it gets as it checks Auth0's.
 */
// @ts-nocheck

import { mkdtempSync, rmSync } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { exportJWK, generateKeyPair } from 'jose';
import Provider from 'oidc-provider';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { selfSignedCertificate } from '../integration/support/tls.ts';
import { openPage, startWebFixture, type WebFixture } from './support.ts';

const AUDIENCE = 'https://kpi-engine.test';
const CLIENT_ID = 'kpi-engine-web';

describe('web app: sign in with the SPA login (chromium, auth on)', () => {
  let web: WebFixture;
  let server: https.Server;
  let dir: string;

  beforeAll(async () => {
    dir = mkdtempSync(join(tmpdir(), 'kpi-login-'));
    const tls = await selfSignedCertificate(dir);
    // The server listens first (the service must know its address); the provider, which must know the
    // service's address, is mounted once the service is up.
    let handle: (req: IncomingMessage, res: ServerResponse) => void = (_, res) => res.writeHead(503).end();
    server = https.createServer({ key: tls.key, cert: tls.cert }, (req, res) => handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const domain = `127.0.0.1:${(server.address() as AddressInfo).port}`;
    web = await startWebFixture(
      {
        AUTH0_DOMAIN: domain,
        AUTH0_AUDIENCE: AUDIENCE,
        AUTH0_SPA_CLIENT_ID: CLIENT_ID,
        // The service fetches the signing keys over HTTPS from a certificate it must trust.
        NODE_EXTRA_CA_CERTS: tls.certFile,
      },
      ['--ignore-certificate-errors'],
    );
    const { privateKey } = await generateKeyPair('RS256', { extractable: true });
    const provider = new Provider(`https://${domain}/`, {
      clients: [
        {
          client_id: CLIENT_ID,
          token_endpoint_auth_method: 'none',
          redirect_uris: [`${web.service.url}/`],
          post_logout_redirect_uris: [`${web.service.url}/`],
          grant_types: ['authorization_code'],
          response_types: ['code'],
        },
      ],
      routes: { authorization: '/authorize', token: '/oauth/token', jwks: '/.well-known/jwks.json' },
      scopes: ['openid', 'profile', 'email', 'read:kpis', 'write:kpis'],
      pkce: { required: () => true },
      jwks: { keys: [{ ...(await exportJWK(privateKey)), kid: 'k1', alg: 'RS256', use: 'sig' }] },
      findAccount: async (_ctx, sub) => ({ accountId: sub, claims: async () => ({ sub }) }),
      features: {
        devInteractions: { enabled: true },
        resourceIndicators: {
          enabled: true,
          // Auth0 takes `audience`; a resource server here is the same thing by its RFC 8707 name.
          defaultResource: async () => AUDIENCE,
          useGrantedResource: async () => true,
          getResourceServerInfo: async () => ({
            scope: 'read:kpis write:kpis',
            audience: AUDIENCE,
            accessTokenFormat: 'jwt',
            accessTokenTTL: 600,
            jwt: { sign: { alg: 'RS256' } },
          }),
        },
      },
    });
    handle = provider.callback();
  });

  afterAll(async () => {
    await web?.close();
    server?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('is refused without a token, signs in through the login page, and then shows the KPIs', async () => {
    const { page } = await openPage(web, '');
    // The app's own console errors (the login page is the authorization server's, with its own assets).
    const errors: string[] = [];
    page.on('console', (m) => {
      if (m.type() === 'error' && page.url().startsWith(web.service.url)) errors.push(m.text());
    });
    // Auth on and nobody signed in: the API says 401 and the page says so plainly.
    await expect
      .poll(() => page.locator('#banner').textContent(), { timeout: 120_000 })
      .toMatch(/Not signed in \(401\)/);
    const signIn = page.getByRole('button', { name: 'Sign in' });
    await signIn.click();
    // The authorization server's login page (any name and password sign in there).
    await page.locator('input[name="login"]').fill('analyst@example.test');
    await page.locator('input[name="password"]').fill('secret');
    await page.locator('button[type="submit"]').click();
    // Its consent page names the scopes the app asks for.
    await expect.poll(() => page.locator('body').textContent(), { timeout: 60_000 }).toMatch(/read:kpis/);
    await page.getByRole('button', { name: 'Continue' }).click();
    await page.waitForURL(`${web.service.url}/**`, { timeout: 60_000 });
    await expect
      .poll(() => page.getByRole('button', { name: 'Sign out' }).count(), { timeout: 60_000 })
      .toBe(1);
    // Back in the app with the code exchanged: the URL is clean and the KPI list loads with the token.
    expect(new URL(page.url()).search).toBe('');
    await expect.poll(() => page.locator('ul.cards > li').count(), { timeout: 120_000 }).toBeGreaterThan(5);
    const token = await page.evaluate(() => sessionStorage.getItem('kpi-engine-token'));
    const claims = JSON.parse(Buffer.from(token!.split('.')[1]!, 'base64url').toString());
    expect(claims).toMatchObject({ aud: AUDIENCE, scope: expect.stringContaining('read:kpis') });
    // The token works on the API directly, as Auth0's would.
    const direct = await fetch(`${web.service.url}/api/definitions`, {
      headers: { Authorization: `Bearer ${token}` },
    });
    expect(direct.status).toBe(200);

    await page.getByRole('button', { name: 'Sign out' }).click();
    await expect.poll(() => page.getByRole('button', { name: 'Sign in' }).count()).toBe(1);
    expect(await page.evaluate(() => sessionStorage.getItem('kpi-engine-token'))).toBeNull();
    // Only the refused API calls before signing in were errors.
    expect(errors.filter((e) => !/status of 401/.test(e))).toEqual([]);
  });
});
