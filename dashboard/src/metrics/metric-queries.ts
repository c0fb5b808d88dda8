import type {
  MetricAggregation,
  MetricFilter,
  MetricInfo,
  MetricQuery,
} from '@sightline/model/api/metrics';

export const AGGREGATIONS: readonly MetricAggregation[] = [
  'avg',
  'sum',
  'min',
  'max',
  'count',
  'rate',
  'increase',
  'p50',
  'p90',
  'p95',
  'p99',
];

export const CHART_MODES = ['line', 'area', 'stacked'] as const;
export type ChartMode = (typeof CHART_MODES)[number];

/** One row of the explorer: a metric, how to aggregate it, group it and filter it. */
export interface QueryRow {
  readonly metric: string;
  /** null: the default for the metric's type. */
  readonly agg: MetricAggregation | null;
  readonly by: string;
  /** `key=value` or `key!=value`; '' for none. */
  readonly filter: string;
}

export const EMPTY_ROW: QueryRow = { metric: '', agg: null, by: '', filter: '' };

/** What most people want first from each kind of metric. */
export function defaultAggregation(m: MetricInfo | undefined): MetricAggregation {
  if (!m) return 'avg';
  if (m.type === 'sum') return m.monotonic ? 'rate' : 'sum';
  if (m.type === 'histogram' || m.type === 'exponential_histogram' || m.type === 'summary')
    return 'p95';
  return 'avg';
}

const isAgg = (v: string): v is MetricAggregation =>
  (AGGREGATIONS as readonly string[]).includes(v);

/**
 * Rows from the URL: one `m` parameter per row, `metric|agg|by|filter`, each part
 * percent-encoded so a `|` in a name cannot split it. The older single-query links
 * (`metric`, `agg`, `by`) still open.
 */
export function readRows(params: URLSearchParams): QueryRow[] {
  const rows = params.getAll('m').map((raw): QueryRow => {
    const [metric = '', agg = '', by = '', filter = ''] = raw.split('|').map(decodePart);
    return { metric, agg: isAgg(agg) ? agg : null, by, filter };
  });
  if (rows.length > 0) return rows;
  const metric = params.get('metric');
  if (!metric) return [EMPTY_ROW];
  const agg = params.get('agg') ?? '';
  return [{ metric, agg: isAgg(agg) ? agg : null, by: params.get('by') ?? '', filter: '' }];
}

function decodePart(p: string): string {
  try {
    return decodeURIComponent(p);
  } catch {
    return p;
  }
}

export function writeRows(params: URLSearchParams, rows: readonly QueryRow[]): void {
  params.delete('m');
  params.delete('metric');
  params.delete('agg');
  params.delete('by');
  for (const r of rows) {
    params.append(
      'm',
      [r.metric, r.agg ?? '', r.by, r.filter].map((p) => encodeURIComponent(p)).join('|'),
    );
  }
}

export function readMode(params: URLSearchParams): ChartMode {
  const m = params.get('mode');
  return CHART_MODES.find((x) => x === m) ?? 'line';
}

/** `key=value` / `key!=value`; null when the text is neither (and not empty). */
export function parseFilter(text: string): MetricFilter | null | 'none' {
  const t = text.trim();
  if (t === '') return 'none';
  const m = /^([^=!\s][^=!]*?)\s*(!=|=)\s*(.*)$/.exec(t);
  if (!m?.[1] || m[3] === undefined) return null;
  return { key: m[1].trim(), op: m[2] === '!=' ? 'neq' : 'eq', value: m[3].trim() };
}

/** The API query for a row, or null while the row is incomplete or its filter unreadable. */
export function toApiQuery(
  row: QueryRow,
  index: number,
  info: MetricInfo | undefined,
): MetricQuery | null {
  if (!row.metric) return null;
  const filter = parseFilter(row.filter);
  if (filter === null) return null;
  return {
    id: String(index),
    metric: row.metric,
    aggregation: row.agg ?? defaultAggregation(info),
    ...(row.by ? { groupBy: [row.by] } : {}),
    ...(filter !== 'none' ? { filters: [filter] } : {}),
  };
}
