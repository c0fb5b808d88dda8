import type { Panel, PanelQuery, VariableSource } from '@sightline/model/api/dashboards';
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
  readonly points: readonly SeriesPoint[];
}

/** What a panel draws: series with one unit, or the rows of a list. */
export type PanelData =
  | {
      readonly kind: 'series';
      readonly unit: string;
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

/** Loads what `panel` shows over `w`, its variables already filled in. */
export async function loadPanel(
  panel: Pick<Panel, 'type' | 'options'> & { query: PanelQuery },
  w: PanelWindow,
  signal: AbortSignal,
): Promise<PanelData> {
  const q = panel.query;
  const range = { from: String(w.from), to: String(w.to) };
  const limit = panel.options.limit ?? 50;
  if (panel.type === 'logs' && q.signal === 'logs') {
    const r = await sharedGet(LogSearchResponse, '/logs', { ...range, q: q.q, limit }, signal);
    return { kind: 'logs', rows: r.rows };
  }
  if (panel.type === 'traces' && q.signal === 'traces') {
    const r = await sharedGet(
      TraceSearchResponse,
      '/traces',
      { ...range, service: q.service, operation: q.operation, q: q.q, limit },
      signal,
    );
    return { kind: 'traces', rows: r.traces };
  }
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
      return {
        kind: 'series',
        unit: panel.options.unit ?? aggregatedUnit(res.unit, res.aggregation),
        from: res.from,
        to: res.to,
        step: res.step,
        series: res.series.map((s) => ({
          name: `${res.aggregation}(${res.metric})${Object.keys(s.labels).length ? ` {${labelText(s.labels)}}` : ''}`,
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
        unit: panel.options.unit ?? '{records}',
        from: r.from,
        to: r.to,
        step: r.stepSeconds * 1000,
        series: [{ name: q.q || 'all logs', points: r.buckets.map((b) => [b.start, b.total]) }],
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
        unit: panel.options.unit ?? m.unit,
        from: r.from,
        to: r.to,
        step: r.step,
        series: r.services.map((s) => ({ name: s.service, points: s.series[m.key] })),
      };
    }
    case 'promql': {
      const stepS = stepSeconds(w.step) ?? autoStepSeconds(w.from, w.to);
      const r = await queryRange(q.expr, w.from, w.to, stepS, signal);
      const series = promSeries(q.expr, r, r);
      return {
        kind: 'series',
        // One unit a panel: the expression's (a series keeping its name has its name's).
        unit: panel.options.unit ?? series[0]?.unit ?? '',
        from: r.start,
        to: r.end,
        step: r.step,
        series: series.map((s) => ({ name: s.name, points: [...s.points] })),
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
