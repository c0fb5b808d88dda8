import type { MetricFilter, MetricQuery, MetricQueryResult } from '@sightline/model/api/metrics';
import { parsePointValue } from '@sightline/model/prom-value';
import { formatValue } from '../units.ts';

/** The four numbers a user acts on first, above the Pipeline view's charts. */
export interface Figure {
  readonly id: 'acknowledged' | 'queue' | 'rejected' | 'lag';
  readonly label: string;
  /** `1.2k items/s`, `0 rows`; '—' when Sightline reported none. */
  readonly value: string;
  /** What the number means and when to act on it, in one line. */
  readonly meaning: string;
  /** A second number that belongs with it (requests refused beside items rejected). */
  readonly detail?: string;
}

/**
 * The figures' own queries (ids `figure:*`): counters as they stand, counted since Sightline
 * started (a counter's first export already holds its first count, which an increase over the
 * range would miss). The current rates and depths are read from the panels' answers (`items:1`,
 * `queue:0`, `lag:0`) in the same request.
 */
export function figureQueries(own: MetricFilter): MetricQuery[] {
  return [
    {
      id: 'figure:rejected',
      metric: 'sightline_otlp_items_total',
      aggregation: 'last_over_time',
      filters: [own, { key: 'outcome', op: 'eq', value: 'rejected' }],
    },
    {
      id: 'figure:refused',
      metric: 'sightline_ingest_refused_requests_total',
      aggregation: 'last_over_time',
      filters: [own],
    },
  ];
}

/** The newest value of a query's series (those `keep` keeps), summed; null when it has none. */
export function latest(
  results: readonly MetricQueryResult[],
  id: string,
  keep: (labels: Record<string, string>) => boolean = () => true,
): number | null {
  let sum: number | null = null;
  for (const s of results.find((r) => r.id === id)?.series ?? []) {
    if (!keep(s.labels)) continue;
    for (let i = s.points.length - 1; i >= 0; i--) {
      const v = parsePointValue(s.points[i]?.[1] ?? null);
      if (v !== null && Number.isFinite(v)) {
        sum = (sum ?? 0) + v;
        break;
      }
    }
  }
  return sum;
}

const shown = (v: number | null, unit: string) => (v === null ? '—' : formatValue(v, unit));

/** The figures from the answer to `figureQueries` (within the view's one request). */
export function pipelineFigures(results: readonly MetricQueryResult[]): Figure[] {
  const acknowledged = latest(results, 'items:1', (l) => l.outcome === 'accepted');
  // A counter appears with its first count: while receive reports, none yet means zero.
  const counted = (id: string) => latest(results, id) ?? (acknowledged === null ? null : 0);
  const rejected = counted('figure:rejected');
  const refused = counted('figure:refused');
  const lag = latest(results, 'lag:0');
  return [
    {
      id: 'acknowledged',
      label: 'Acknowledged',
      value: shown(acknowledged, '{items}/s'),
      meaning: 'Spans, logs and points answered 2xx: stored, or safe on Kafka. Now.',
    },
    {
      id: 'queue',
      label: 'Queue depth',
      value: shown(latest(results, 'queue:0'), '{rows}'),
      meaning: 'Rows accepted and waiting to be stored; growing means the store is falling behind.',
    },
    {
      id: 'rejected',
      label: 'Rejected',
      value: shown(rejected, '{items}'),
      meaning:
        'Invalid items answered 4xx since Sightline started: lost at the sender, see the warnings below.',
      ...(refused !== null && refused > 0
        ? {
            detail: `${formatValue(refused, '{requests}')} refused when full (429/503; senders retry)`,
          }
        : {}),
    },
    {
      id: 'lag',
      label: 'Consumer lag',
      value: shown(lag, '{messages}'),
      meaning:
        lag === null
          ? 'No Kafka consumer: the all-in-one stores in-process, nothing can lag.'
          : 'Messages on Kafka not yet stored; growing means ingest needs more consumers.',
    },
  ];
}
