import type { FastifyInstance } from 'fastify';
import type { Scope } from '@sightline/model/api/auth';
import type { Headers } from '@sightline/store/auth/authenticate';
import { rememberCaller } from './rate-limit.ts';

/** Checks a request's credentials for a scope; throws a 401/403 SightlineError when they fall short. */
export type Authenticate = (headers: Headers, scope: Scope) => Promise<unknown>;

/** A route and what it takes to call it (`public`: nothing). */
export interface GuardedRoute {
  readonly method: string;
  readonly url: string;
  readonly scope: Scope | 'public';
}

/** What the receive listener's routes need: telemetry takes `ingest`, scrapes `read`, health checks nothing. */
export function receiveScope(url: string): Scope | 'public' {
  if (url === '/health' || url === '/ready') return 'public';
  if (url === '/metrics') return 'read';
  return 'ingest';
}

/**
 * Guards every route of the receive listener. Call before routes are added: each one is recorded
 * in `routes` as it is registered, so the auth tests cover routes added later automatically.
 * Unknown paths need `ingest` too, so they reveal nothing to a caller without a key.
 */
export function guardReceiveApp(
  app: FastifyInstance,
  authenticate: Authenticate,
  routes?: GuardedRoute[],
): void {
  app.addHook('onRoute', (r) => {
    const methods = Array.isArray(r.method) ? r.method : [r.method];
    for (const method of methods) {
      if (method !== 'HEAD') routes?.push({ method, url: r.url, scope: receiveScope(r.url) });
    }
  });
  app.addHook('onRequest', async (req) => {
    const scope = receiveScope(req.routeOptions.url ?? '');
    if (scope !== 'public') rememberCaller(req, await authenticate(req.headers, scope));
  });
}
