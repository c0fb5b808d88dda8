import type {
  MetricFilter,
  MetricQuery,
  MetricQueryResult,
  MetricsQueryRequest,
} from '@sightline/model/api/metrics';
import type { ChartSeries } from '../metrics/MetricChart.tsx';
import { parsePointValue } from '@sightline/model/prom-value';
import { figureQueries } from './pipeline-figures.ts';

/** Sightline tags its own telemetry with this resource attribute (deploy/src/self-telemetry.ts). */
export const INTERNAL_FILTER: MetricFilter = {
  key: 'resource.sightline.internal',
  op: 'eq',
  value: 'true',
};

/** Warnings and errors Sightline logged about itself, in the search language. */
export const INTERNAL_PROBLEMS_QUERY =
  'resource.sightline.internal:true (level:warn OR level:error OR level:fatal)';

export interface PanelQuery {
  /** Legend name; the group-by labels are appended. */
  readonly label: string;
  readonly query: Omit<MetricQuery, 'id'>;
}

export interface Panel {
  readonly id: string;
  readonly title: string;
  readonly unit: string;
  /** Shown when none of the panel's metrics has data: why that may be normal. */
  readonly emptyHint: string;
  readonly queries: readonly PanelQuery[];
}

const internal = (q: Omit<MetricQuery, 'id' | 'filters'>, filters: MetricFilter[] = []) => ({
  ...q,
  filters: [INTERNAL_FILTER, ...filters],
});

/** The Pipeline view: every chart reads the self-metrics Sightline exports about itself. */
export const PANELS: readonly Panel[] = [
  {
    id: 'items',
    title: 'Items received per second, by signal',
    unit: 'items/s',
    emptyHint: 'No OTLP traffic yet.',
    queries: [
      {
        label: 'received',
        query: internal({
          metric: 'sightline_otlp_items_total',
          aggregation: 'rate',
          groupBy: ['signal'],
        }),
      },
      {
        label: 'by outcome',
        query: internal({
          metric: 'sightline_otlp_items_total',
          aggregation: 'rate',
          groupBy: ['signal', 'outcome'],
        }),
      },
    ],
  },
  {
    id: 'refusals',
    title: 'Refused requests per second',
    unit: 'requests/s',
    emptyHint: 'Nothing refused: every OTLP request was answered 200.',
    queries: [
      {
        label: 'OTLP answers other than 200',
        query: internal(
          {
            metric: 'sightline_otlp_requests_total',
            aggregation: 'rate',
            groupBy: ['signal', 'status'],
          },
          [{ key: 'status', op: 'neq', value: '200' }],
        ),
      },
      {
        label: 'refused by the queue (429/503)',
        query: internal({ metric: 'sightline_ingest_refused_requests_total', aggregation: 'rate' }),
      },
    ],
  },
  {
    id: 'queue',
    title: 'Queue depth',
    unit: 'rows',
    emptyHint: 'No in-process queue (distributed mode: see consumer lag).',
    queries: [
      {
        label: 'rows waiting to be stored',
        query: internal({
          metric: 'sightline_ingest_queue_rows',
          aggregation: 'max',
          groupBy: ['service.name'],
        }),
      },
    ],
  },
  {
    id: 'lag',
    title: 'Kafka consumer lag',
    unit: 'messages',
    emptyHint: 'No Kafka consumer (the all-in-one stores in-process).',
    queries: [
      {
        label: 'behind',
        query: internal({
          metric: 'sightline_kafka_consumer_lag',
          aggregation: 'max',
          groupBy: ['topic'],
        }),
      },
    ],
  },
  {
    id: 'latency',
    title: 'Insert latency',
    unit: 's',
    emptyHint: 'No inserts into the store yet.',
    queries: [
      {
        label: 'p50',
        query: internal({ metric: 'sightline_ingest_insert_seconds', aggregation: 'p50' }),
      },
      {
        label: 'p95',
        query: internal({ metric: 'sightline_ingest_insert_seconds', aggregation: 'p95' }),
      },
    ],
  },
  {
    id: 'errors',
    title: 'Insert errors and stored rows',
    unit: 'per step',
    emptyHint: 'No inserts into the store yet.',
    queries: [
      {
        label: 'failed inserts',
        query: internal({
          metric: 'sightline_ingest_insert_errors_total',
          aggregation: 'increase',
        }),
      },
      {
        label: 'rows stored',
        query: internal({ metric: 'sightline_ingest_rows_total', aggregation: 'increase' }),
      },
    ],
  },
];

/** One request for the figures and every panel; a panel query's id is `<panel>:<index>`. */
export function pipelineRequest(from: number, to: number): MetricsQueryRequest {
  return {
    from: String(from),
    to: String(to),
    queries: [
      ...figureQueries(INTERNAL_FILTER),
      ...PANELS.flatMap((p) => p.queries.map((q, i) => ({ ...q.query, id: `${p.id}:${i}` }))),
    ],
  };
}

/** The chart series of one panel from the response's results. */
export function panelSeries(
  panel: Panel,
  results: readonly MetricQueryResult[],
  color: (i: number) => string,
): ChartSeries[] {
  const out: ChartSeries[] = [];
  panel.queries.forEach((q, qi) => {
    const result = results.find((r) => r.id === `${panel.id}:${qi}`);
    for (const s of result?.series ?? []) {
      if (s.points.every(([, v]) => v === null)) continue;
      const labels = Object.values(s.labels)
        .map((v) => v || '∅')
        .join(' ');
      out.push({
        key: `${panel.id}-${qi}-${out.length}`,
        name: labels ? `${q.label} · ${labels}` : q.label,
        color: color(out.length),
        unit: panel.unit,
        points: new Map(s.points.map(([t, v]) => [t, parsePointValue(v)])),
      });
    }
  });
  return out;
}
