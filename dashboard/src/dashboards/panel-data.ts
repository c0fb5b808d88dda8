import type { AxisSide, Panel, PanelQuery, VariableSource } from '@sightline/model/api/dashboards';
import { LogHistogramResponse, LogSearchResponse, type LogRecord } from '@sightline/model/api/logs';
import {
  MetricAttributesResponse,
  MetricsQueryResponse,
  type SeriesPoint,
} from '@sightline/model/api/metrics';
import { ServicesOverviewResponse } from '@sightline/model/api/services';
import {
  OperationsResponse,
  ServicesResponse,
  TraceSearchResponse,
  type TraceSummary,
} from '@sightline/model/api/traces';
import { apiGet, apiPost } from '../api.ts';
import { sharedGet } from './shared-get.ts';
import { quoteValue } from '../format.ts';
import { aggregatedUnit } from '../units.ts';
import { autoStepSeconds, queryRange, stepSeconds } from '../promql/promql-api.ts';
import { promSeries } from '../promql/promql-series.ts';

export interface PanelSeries {
  readonly name: string;
  /** UCUM; series of another unit go on the other y axis. */
  readonly unit: string;
  /** The query's chosen axis; absent: by unit. */
  readonly axis?: AxisSide;
  readonly points: readonly SeriesPoint[];
}

/** What a panel draws: the series of all its queries, or the rows of a list. */
export type PanelData =
  | {
      readonly kind: 'series';
      readonly from: number;
      readonly to: number;
      readonly step: number;
      readonly series: readonly PanelSeries[];
    }
  | { readonly kind: 'logs'; readonly rows: readonly LogRecord[] }
  | { readonly kind: 'traces'; readonly rows: readonly TraceSummary[] };

export interface PanelWindow {
  readonly from: number;
  readonly to: number;
  /** `30s`, `5m`…; undefined lets the API choose from the range. */
  readonly step: string | undefined;
}

const labelText = (labels: Readonly<Record<string, string>>) =>
  Object.entries(labels)
    .map(([k, v]) => `${k}=${v || '∅'}`)
    .join(', ');

/** The spans search of a traces query: its own search plus the operation. */
export const traceSearch = (q: Extract<PanelQuery, { signal: 'traces' }>): string =>
  [q.q ?? '', q.operation ? `operation:${quoteValue(q.operation)}` : ''].filter(Boolean).join(' ');

const RED = {
  rate: { key: 'rate', unit: '{requests}/s' },
  error_rate: { key: 'errorRate', unit: '1' },
  p95: { key: 'p95Ms', unit: 'ms' },
} as const;

type SeriesData = Extract<PanelData, { kind: 'series' }>;

/** Loads what `panel` shows over `w`, its variables already filled in. */
export async function loadPanel(
  panel: Pick<Panel, 'type' | 'options' | 'queries'>,
  w: PanelWindow,
  signal: AbortSignal,
): Promise<PanelData> {
  const [first] = panel.queries;
  if (!first) throw new Error('the panel has no query');
  const list = await loadList(panel.type, first, panel.options.limit ?? 50, w, signal);
  if (list) return list;
  const results = await Promise.all(
    panel.queries.map((q) => loadSeries(q, panel.options.unit, w, signal)),
  );
  const several = results.length > 1;
  return {
    ...results[0]!,
    // With several queries a series is named after its query too: A, B, …
    series: results.flatMap((r, i) =>
      r.series.map((s) => ({
        ...s,
        name: several ? `${String.fromCharCode(65 + i)} · ${s.name}` : s.name,
        ...(panel.queries[i]?.axis ? { axis: panel.queries[i].axis } : {}),
      })),
    ),
  };
}

/** The rows of a log or trace list, or null for a panel that draws series. */
async function loadList(
  type: Panel['type'],
  q: PanelQuery,
  limit: number,
  w: PanelWindow,
  signal: AbortSignal,
): Promise<PanelData | null> {
  const range = { from: String(w.from), to: String(w.to) };
  if (type === 'logs' && q.signal === 'logs') {
    const r = await sharedGet(LogSearchResponse, '/logs', { ...range, q: q.q, limit }, signal);
    return { kind: 'logs', rows: r.rows };
  }
  if (type === 'traces' && q.signal === 'traces') {
    const r = await sharedGet(
      TraceSearchResponse,
      '/traces',
      { ...range, service: q.service, operation: q.operation, q: q.q, limit },
      signal,
    );
    return { kind: 'traces', rows: r.traces };
  }
  return null;
}

/** One query's series over `w`, each in its unit (`unit` overrides what the data says). */
async function loadSeries(
  q: PanelQuery,
  unit: string | undefined,
  w: PanelWindow,
  signal: AbortSignal,
): Promise<SeriesData> {
  const range = { from: String(w.from), to: String(w.to) };
  switch (q.signal) {
    case 'metrics': {
      const query = {
        metric: q.metric,
        aggregation: q.aggregation,
        ...(q.service !== undefined ? { service: q.service } : {}),
        ...(q.filters !== undefined ? { filters: q.filters } : {}),
        ...(q.groupBy !== undefined ? { groupBy: q.groupBy } : {}),
      };
      const r = await apiPost(
        MetricsQueryResponse,
        '/metrics/query',
        { ...range, ...(w.step ? { step: w.step } : {}), queries: [query] },
        signal,
      );
      const res = r.results[0];
      if (!res) throw new Error('the metrics API answered no result');
      const u = unit ?? aggregatedUnit(res.unit, res.aggregation);
      return {
        kind: 'series',
        from: res.from,
        to: res.to,
        step: res.step,
        series: res.series.map((s) => ({
          name: `${res.aggregation}(${res.metric})${Object.keys(s.labels).length ? ` {${labelText(s.labels)}}` : ''}`,
          unit: u,
          points: s.points,
        })),
      };
    }
    case 'logs': {
      const r = await sharedGet(
        LogHistogramResponse,
        '/logs/histogram',
        { ...range, q: q.q, step: w.step },
        signal,
      );
      return {
        kind: 'series',
        from: r.from,
        to: r.to,
        step: r.stepSeconds * 1000,
        series: [
          {
            name: q.q || 'all logs',
            unit: unit ?? '{records}',
            points: r.buckets.map((b) => [b.start, b.total]),
          },
        ],
      };
    }
    case 'traces': {
      const search = [q.service ? `service:${quoteValue(q.service)}` : '', traceSearch(q)]
        .filter(Boolean)
        .join(' ');
      const r = await sharedGet(
        ServicesOverviewResponse,
        '/services/overview',
        { ...range, q: search, step: w.step },
        signal,
      );
      const m = RED[q.measure ?? 'rate'];
      return {
        kind: 'series',
        from: r.from,
        to: r.to,
        step: r.step,
        series: r.services.map((s) => ({
          name: s.service,
          unit: unit ?? m.unit,
          points: s.series[m.key],
        })),
      };
    }
    case 'promql': {
      const stepS = stepSeconds(w.step) ?? autoStepSeconds(w.from, w.to);
      const r = await queryRange(q.expr, w.from, w.to, stepS, signal);
      const series = promSeries(q.expr, r, r);
      return {
        kind: 'series',
        from: r.start,
        to: r.end,
        step: r.step,
        // The expression's unit (a series keeping its name has its name's).
        series: series.map((s) => ({ name: s.name, unit: unit ?? s.unit, points: [...s.points] })),
      };
    }
  }
}

/** The choices of a variable, from data in the window. */
export async function loadChoices(
  source: VariableSource,
  w: PanelWindow,
  signal: AbortSignal,
): Promise<string[]> {
  const range = { from: String(w.from), to: String(w.to) };
  switch (source.kind) {
    case 'custom':
      return [...source.values];
    case 'services':
      return (await apiGet(ServicesResponse, '/services', range, signal)).services;
    case 'operations': {
      if (!source.service) return [];
      const path = `/services/${encodeURIComponent(source.service)}/operations`;
      const r = await apiGet(OperationsResponse, path, range, signal);
      return [...new Set(r.operations.map((o) => o.name))];
    }
    case 'metric_label': {
      const path = `/metrics/${encodeURIComponent(source.metric)}/attributes`;
      const r = await apiGet(MetricAttributesResponse, path, { ...range, key: source.key }, signal);
      return (r.values ?? []).map((v) => v.value);
    }
  }
}
