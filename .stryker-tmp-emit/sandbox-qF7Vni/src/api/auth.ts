/**
 * Auth0 machine-to-machine tokens: `Authorization: Bearer <JWT>`, RS256 only, keys from the tenant's
 * JWKS (jose caches them and refetches on an unknown `kid`, which is how rotation is picked up),
 * audience AUTH0_AUDIENCE, issuer `https://AUTH0_DOMAIN/`. Scopes come from `scope` (space-separated)
 * or Auth0 RBAC's `permissions` array.
 */
// @ts-nocheck

import { createRemoteJWKSet, errors, type JWTVerifyGetKey, jwtVerify } from 'jose';
import { ApiError } from './errors.ts';

export type Scope = 'read:kpis' | 'write:kpis';

export interface Principal {
  readonly subject: string;
  readonly scopes: ReadonlySet<string>;
}

export interface Authenticator {
  authenticate(authorization: string | undefined): Promise<Principal>;
}

export interface AuthOptions {
  readonly domain: string;
  readonly audience: string;
  /** Defaults to https://DOMAIN/.well-known/jwks.json; tests point it at a local server. */
  readonly jwksUrl?: string | undefined;
  /** Defaults to https://DOMAIN/ (Auth0's issuer has the trailing slash). */
  readonly issuer?: string | undefined;
  /** Seconds of clock skew tolerated on exp/nbf/iat (AUTH_CLOCK_TOLERANCE_SECONDS, default 30). */
  readonly clockToleranceSeconds?: number | undefined;
}

const unauthorized = (message: string) =>
  new ApiError(401, 'unauthorized', message, null, { 'WWW-Authenticate': 'Bearer realm="kpi-engine"' });

export function createAuthenticator(options: AuthOptions): Authenticator {
  const jwks: JWTVerifyGetKey = createRemoteJWKSet(
    new URL(options.jwksUrl ?? `https://${options.domain}/.well-known/jwks.json`),
    { cooldownDuration: 30_000, cacheMaxAge: 10 * 60_000 },
  );
  const issuer = options.issuer ?? `https://${options.domain}/`;
  return {
    async authenticate(authorization) {
      const match = /^Bearer\s+(\S+)$/i.exec(authorization ?? '');
      if (!match) throw unauthorized('a Bearer token is required');
      try {
        const { payload } = await jwtVerify(match[1]!, jwks, {
          algorithms: ['RS256'],
          audience: options.audience,
          issuer,
          // A token without `exp` would be valid forever once leaked: refuse it.
          requiredClaims: ['exp'],
          clockTolerance: options.clockToleranceSeconds ?? 30,
        });
        const scopes = new Set<string>([
          ...(typeof payload.scope === 'string' ? payload.scope.split(' ').filter(Boolean) : []),
          ...(Array.isArray(payload.permissions) ? payload.permissions.map(String) : []),
        ]);
        return { subject: String(payload.sub ?? ''), scopes };
      } catch (error) {
        if (error instanceof errors.JWTExpired) throw unauthorized('the token has expired');
        if (error instanceof errors.JWTClaimValidationFailed && error.reason === 'missing') {
          throw unauthorized(`the token has no ${error.claim} claim; tokens must expire`);
        }
        if (error instanceof errors.JWTClaimValidationFailed) {
          throw unauthorized(`the token's ${error.claim} claim is not accepted`);
        }
        if (error instanceof errors.JWKSTimeout || error instanceof errors.JWKSInvalid) {
          throw new ApiError(503, 'auth-unavailable', 'the signing keys could not be fetched; retry later');
        }
        if (error instanceof TypeError || (error as { code?: string }).code === 'ERR_JOSE_GENERIC') {
          // Network failure fetching the JWKS.
          throw new ApiError(503, 'auth-unavailable', 'the signing keys could not be fetched; retry later');
        }
        throw unauthorized('the token is not valid');
      }
    },
  };
}

export function requireScope(principal: Principal, scope: Scope): void {
  if (!principal.scopes.has(scope)) {
    throw new ApiError(403, 'forbidden', `this operation needs the "${scope}" scope`, { required: scope });
  }
}
