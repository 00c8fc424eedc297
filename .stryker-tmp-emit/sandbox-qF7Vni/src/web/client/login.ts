/**
 * Signing in with Auth0's SPA login (Authorization Code with PKCE, by @auth0/auth0-spa-js) when the
 * service names an SPA application (`/app/config.json`); the access token it gets is the one the app
 * sends, as a pasted one would be. The library is loaded only then (a chunk of its own).
 */
// @ts-nocheck

import { getToken, setToken } from './api.ts';

interface LoginConfig {
  readonly domain: string;
  readonly clientId: string;
  readonly audience: string;
}

// The client alone, without createAuth0Client's session check (a hidden frame to the tenant on every
// page load): the app keeps its token itself.
const client = (login: LoginConfig) =>
  import('@auth0/auth0-spa-js').then(
    ({ Auth0Client }) =>
      new Auth0Client({
        domain: login.domain,
        clientId: login.clientId,
        // Token requests as forms, which every OAuth server takes.
        useFormData: true,
        authorizationParams: {
          audience: login.audience,
          scope: 'openid read:kpis write:kpis',
          redirect_uri: `${location.origin}/`,
        },
      }),
  );

/**
 * Finishes a sign-in coming back from the login page (its `?code=…&state=…`), then shows a Sign in /
 * Sign out button; returns once the token (if any) is set, so the first render uses it.
 */
export async function setUpLogin(onChange: () => void): Promise<void> {
  const config = (await fetch('/app/config.json')
    .then((r) => r.json())
    .catch(() => ({ login: null }))) as { login: LoginConfig | null };
  const login = config.login;
  if (!login) return;
  const button = document.getElementById('login-button') as HTMLButtonElement;
  button.hidden = false;
  const label = () => {
    button.textContent = getToken() ? 'Sign out' : 'Sign in';
  };
  const params = new URLSearchParams(location.search);
  if (params.has('code') && params.has('state')) {
    const auth0 = await client(login);
    try {
      const { appState } = await auth0.handleRedirectCallback<{ hash?: string }>();
      setToken((await auth0.getTokenSilently()) ?? '');
      history.replaceState(null, '', `/${appState?.hash ?? ''}`);
    } catch (error) {
      history.replaceState(null, '', '/');
      throw error;
    }
  }
  label();
  button.addEventListener('click', async () => {
    if (getToken()) {
      // Signed out here at once; the library forgets its own copy too.
      setToken('');
      label();
      onChange();
      await (await client(login)).logout({ openUrl: false });
      return;
    }
    await (await client(login)).loginWithRedirect({ appState: { hash: location.hash } });
  });
}
