import type { AlertQuery } from '@sightline/model/api/alerts';

/** A search-language term matching one value exactly, quoted so spaces and colons survive. */
const term = (key: string, value: string): string =>
  `${key}:"${value.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`;

const iso = (ms: number): string => new Date(ms).toISOString();

/**
 * The dashboard view that shows an alert's problem over [fromMs, toMs): the logs explorer with
 * the rule's search narrowed to the group, the service page, or the metrics explorer (builder or
 * PromQL mode). URL shapes
 * are the dashboard's (dashboard/src/router.ts: /logs, /services/:service, /explore/metrics).
 */
export function dashboardUrl(
  base: string,
  query: AlertQuery,
  groupLabels: Readonly<Record<string, string>>,
  fromMs: number,
  toMs: number,
): string {
  const root = base.replace(/\/+$/, '');
  const params = new URLSearchParams();
  let path: string;
  switch (query.kind) {
    case 'log_count': {
      const terms = Object.entries(groupLabels).map(([k, v]) => term(k, v));
      const q = [query.q.trim() === '' ? '' : `(${query.q.trim()})`, ...terms]
        .filter((t) => t !== '')
        .join(' ');
      path = '/logs';
      if (q !== '') params.set('q', q);
      break;
    }
    case 'trace_red': {
      const service = groupLabels.service ?? query.service;
      path = service === undefined ? '/services' : `/services/${encodeURIComponent(service)}`;
      break;
    }
    case 'metric': {
      path = '/explore/metrics';
      params.set('metric', query.metric);
      params.set('agg', query.aggregation);
      const by = Object.keys(groupLabels);
      // The explorer groups by one key.
      if (by[0] !== undefined) params.set('by', by[0]);
      break;
    }
    case 'promql':
      // The explorer's PromQL mode (dashboard/src/views/MetricsView.tsx reads `promql`).
      path = '/explore/metrics';
      params.set('promql', query.expr);
      break;
  }
  params.set('from', iso(fromMs));
  params.set('to', iso(toMs));
  return `${root}${path}?${params.toString()}`;
}
