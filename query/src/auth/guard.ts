import { timingSafeEqual } from 'node:crypto';
import cookie from '@fastify/cookie';
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { SightlineError } from '@sightline/model/errors';
import { keyFromHeaders, requireScope, unauthenticated } from '@sightline/store/auth/authenticate';
import type { AuthStore } from '@sightline/store/auth/keys';
import type { Principal } from '@sightline/store/auth/principal';
import type { AuthVerifier } from '@sightline/store/auth/verifier';
import { CSRF_HEADER, SESSION_COOKIE } from './cookies.ts';
import { isSafeMethod, queryRouteAccess, type RouteAccess } from './policy.ts';

declare module 'fastify' {
  interface FastifyRequest {
    /** Who sent the request (auth on and a valid credential); undefined otherwise. */
    principal: Principal | undefined;
  }
}

export interface QueryAuthOptions {
  readonly verifier: AuthVerifier;
  readonly store: AuthStore;
  /** Cookies get the Secure attribute (the listener speaks https). */
  readonly secureCookies: boolean;
  readonly sessionTtlSeconds: number;
  /** Requests per minute per key, session or (for sign-in) address; 0: no limit. */
  readonly rateLimitPerMinute: number;
}

export interface QueryGuardedRoute {
  readonly method: string;
  readonly url: string;
  readonly scope: RouteAccess;
}

const sameToken = (a: string, b: string): boolean => {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
};

/**
 * Every request of the query listener gets its principal (API key, else session cookie), then the
 * route's rule is enforced: 401 without a valid credential, 403 without the scope, and for
 * cookie-authenticated changes 403 without the session's CSRF token in x-csrf-token (a cross-site
 * page can make the browser send the cookie, but cannot read the token to send it back).
 * Call before any route is added, so `routes` records them all.
 */
export function guardQueryApp(
  app: FastifyInstance,
  opts: QueryAuthOptions,
  routes?: QueryGuardedRoute[],
): void {
  // The plugin's own hook runs after this one's, so the guard parses the Cookie header itself.
  void app.register(cookie);
  app.decorateRequest('principal', undefined);
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const method of methods) {
      if (method !== 'HEAD')
        routes?.push({ method, url: r.url, scope: queryRouteAccess(method, r.url) });
    }
  });
  app.addHook('onRequest', async (req) => {
    const access = queryRouteAccess(req.method, req.routeOptions.url, req.url.split('?')[0]);
    req.principal = await principalOf(app, req, opts.verifier, access);
    if (access === 'public') return;
    const p = req.principal;
    if (!p) {
      throw unauthenticated(
        'sign in, or send an API key as Authorization: Bearer <key> or x-sightline-key: <key>',
      );
    }
    if (access !== 'signed-in') requireScope(p, access);
    if (p.kind === 'session' && !isSafeMethod(req.method)) {
      const sent = req.headers[CSRF_HEADER];
      if (typeof sent !== 'string' || !sameToken(sent, p.session.csrf)) {
        throw new SightlineError(
          'SL_ERR_CSRF',
          403,
          `${CSRF_HEADER}: a signed-in request that changes something must carry the session's CSRF token (from sign-in or GET /api/v1/auth/me)`,
        );
      }
    }
  });
}

async function principalOf(
  app: FastifyInstance,
  req: FastifyRequest,
  verifier: AuthVerifier,
  access: RouteAccess,
): Promise<Principal | undefined> {
  const key = keyFromHeaders(req.headers);
  if (key) {
    const p = await verifier.verifyKey(key);
    // A bad key is an error even on a public route: the caller should learn it is wrong.
    if (!p && access !== 'public') {
      throw unauthenticated('the API key is not valid (unknown, malformed or revoked)');
    }
    return p;
  }
  const header = req.headers.cookie;
  if (!header) return undefined;
  const token = app.parseCookie(header)[SESSION_COOKIE];
  return token ? verifier.verifySession(token) : undefined;
}
