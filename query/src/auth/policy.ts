import type { Scope } from '@sightline/model/api/auth';

/** What a query-listener route takes: a scope, any credential at all, or nothing. */
export type RouteAccess = Scope | 'signed-in' | 'public';

/** POST routes that only read (a structured query in the body), so `read` suffices. */
const READ_ONLY_POSTS: ReadonlySet<string> = new Set(['/api/v1/metrics/query']);

const SAFE_METHODS: ReadonlySet<string> = new Set(['GET', 'HEAD', 'OPTIONS']);
export const isSafeMethod = (method: string): boolean => SAFE_METHODS.has(method);

/**
 * The access rule of a route, by its URL pattern (`path` is the request path for a request that
 * matched no route). Reads need `read`, changes need `admin`; the dashboard's static files are
 * public because they hold no data and must load to show the sign-in page.
 */
export function queryRouteAccess(
  method: string,
  route: string | undefined,
  path = '',
): RouteAccess {
  // The dashboard's catch-all (`/*`) also matches API paths that do not exist: judge those by
  // their path, so that they need credentials before they answer 404.
  const url = route === undefined || route === '/*' ? path : route;
  if (url === '/api/v1/health' || url === '/api/v1/auth/sign-in') return 'public';
  if (url.startsWith('/api/v1/auth/')) return 'signed-in';
  if (url === '/api/v1/keys' || url.startsWith('/api/v1/keys/')) return 'admin';
  if (url === '/metrics') return 'read';
  // The Prometheus API only reads, POST included (a form holding the query).
  if (url === '/prometheus' || url.startsWith('/prometheus/')) {
    return route === undefined || route === '/*' ? 'signed-in' : 'read';
  }
  if (url === '/api' || url.startsWith('/api/')) {
    if (route === undefined || route === '/*') return 'signed-in';
    return isSafeMethod(method) || READ_ONLY_POSTS.has(url) ? 'read' : 'admin';
  }
  return 'public';
}
