import { useSyncExternalStore } from 'react';
import { writeTimeRange, readTimeRange } from './time-range.ts';

/** A tiny History-API router: the URL is the only store of view state, so links are shareable. */
const CHANGE = 'sightline:navigate';

function subscribe(onChange: () => void): () => void {
  window.addEventListener('popstate', onChange);
  window.addEventListener(CHANGE, onChange);
  return () => {
    window.removeEventListener('popstate', onChange);
    window.removeEventListener(CHANGE, onChange);
  };
}

const snapshot = () => window.location.pathname + window.location.search;

export interface AppLocation {
  readonly path: string;
  readonly params: URLSearchParams;
}

export function parseLocation(href: string): AppLocation {
  const url = new URL(href, 'http://x');
  return { path: url.pathname, params: url.searchParams };
}

export function useLocation(): AppLocation {
  const href = useSyncExternalStore(subscribe, snapshot);
  return parseLocation(href);
}

export function navigate(to: string, opts: { replace?: boolean } = {}): void {
  if (to === snapshot()) return;
  if (opts.replace) window.history.replaceState(null, '', to);
  else window.history.pushState(null, '', to);
  window.dispatchEvent(new Event(CHANGE));
}

export type ParamValues = Readonly<Record<string, string | null | undefined>>;

/**
 * `path` with `params`; the current time range rides along unless `params` sets its own, so every
 * link keeps the window the user picked. Empty values are dropped.
 */
export function hrefTo(path: string, params: ParamValues = {}, current?: URLSearchParams): string {
  const out = new URLSearchParams();
  if (current) writeTimeRange(out, readTimeRange(current));
  for (const [k, v] of Object.entries(params)) {
    if (v === null || v === undefined || v === '') out.delete(k);
    else out.set(k, v);
  }
  if (params.from || params.to) out.delete('range');
  const qs = out.toString();
  return qs ? `${path}?${qs}` : path;
}

/** The current URL with some params changed (null removes). */
export function withParams(loc: AppLocation, changes: ParamValues): string {
  const out = new URLSearchParams(loc.params);
  for (const [k, v] of Object.entries(changes)) {
    if (v === null || v === undefined || v === '') out.delete(k);
    else out.set(k, v);
  }
  const qs = out.toString();
  return qs ? `${loc.path}?${qs}` : loc.path;
}

export type Route =
  | { readonly view: 'services' }
  | { readonly view: 'service'; readonly service: string }
  | { readonly view: 'traces' }
  | { readonly view: 'trace'; readonly traceId: string }
  | { readonly view: 'logs' }
  | { readonly view: 'metrics' }
  | { readonly view: 'pipeline' }
  | { readonly view: 'breakers' }
  | { readonly view: 'keys' }
  | { readonly view: 'dashboards'; readonly id: string | null }
  | { readonly view: 'not-found' };

export function matchRoute(path: string): Route {
  const parts = path.split('/').filter(Boolean).map(decodeURIComponent);
  const [first, second, ...rest] = parts;
  if (rest.length > 0) return { view: 'not-found' };
  switch (first) {
    case undefined:
    case 'services':
      return second === undefined ? { view: 'services' } : { view: 'service', service: second };
    case 'traces':
      return second === undefined ? { view: 'traces' } : { view: 'trace', traceId: second };
    case 'logs':
      return second === undefined ? { view: 'logs' } : { view: 'not-found' };
    case 'pipeline':
      return second === undefined ? { view: 'pipeline' } : { view: 'not-found' };
    case 'breakers':
      return second === undefined ? { view: 'breakers' } : { view: 'not-found' };
    case 'keys':
      return second === undefined ? { view: 'keys' } : { view: 'not-found' };
    case 'dashboards':
      return { view: 'dashboards', id: second ?? null };
    // Not /metrics: that is the server's Prometheus endpoint on the same listener.
    case 'explore':
      return second === 'metrics' ? { view: 'metrics' } : { view: 'not-found' };
    default:
      return { view: 'not-found' };
  }
}
