import type {
  AlertQuery,
  LogCountQuery,
  MetricAlertQuery,
  TraceRedQuery,
} from '@sightline/model/api/alerts';
import { parsePointValue } from '@sightline/model/prom-value';
import type { CompiledSearch } from '../search/compile.ts';
import { compileSearch } from '../search/compile-search.ts';
import type { LogsFilter } from '../sql/logs-filter.ts';
import { logsTable, selectRows } from '../sql/logs-row.ts';
import { runMetricQuery } from '../sql/metrics-query.ts';
import { redStats, type RedEntry } from '../sql/red-stats.ts';
import { evaluatePromQL } from './promql-query.ts';
import {
  groupKeyOf,
  MAX_GROUPS,
  type EvalTarget,
  type GroupValue,
  type QueryResult,
} from './query-result.ts';

// Where evaluations' results are defined; imported from here by the evaluator and the preview.
export { groupKeyOf, MAX_GROUPS, type EvalTarget, type GroupValue, type QueryResult };

/** What a RED rule reads of one name's totals over its window. */
export type RedTotals = Omit<RedEntry, 'series'>;

/** The rule's query over the window [atMs - windowMs, atMs), one value per group. */
export async function evaluateQuery(
  target: EvalTarget,
  query: AlertQuery,
  groupBy: readonly string[],
  windowMs: number,
  atMs: number,
): Promise<QueryResult> {
  const range = { fromMs: atMs - windowMs, toMs: atMs };
  switch (query.kind) {
    case 'log_count':
      return logCount(target, query, groupBy, range);
    case 'trace_red':
      return traceRed(target, query, groupBy, range);
    case 'metric':
      return metric(target, query, groupBy, range);
    case 'promql':
      return evaluatePromQL(target, query.expr, atMs);
  }
}

/** The column a log group-by key reads, with its parameter if it is a map lookup. */
export function logGroupExpr(
  key: string,
  i: number,
): { sql: string; params: Record<string, string> } {
  if (key === 'service' || key === 'service.name') return { sql: 'ServiceName', params: {} };
  if (key === 'level' || key === 'severity') return { sql: 'SeverityText', params: {} };
  if (key.startsWith('resource.') && key.length > 9) {
    return { sql: `ResourceAttributes[{gk${i}:String}]`, params: { [`gk${i}`]: key.slice(9) } };
  }
  return { sql: `LogAttributes[{gk${i}:String}]`, params: { [`gk${i}`]: key } };
}

/** A log rule's filter over `range` and its group-by columns (g0, g1, …) with their parameters. */
export function logCountParts(
  query: LogCountQuery,
  groupBy: readonly string[],
  range: { fromMs: number; toMs: number },
): { filter: LogsFilter; cols: string; groupParams: Record<string, string> } {
  const filter = compileSearch(query.q, 'logs', range, 'query.q');
  const exprs = groupBy.map(logGroupExpr);
  const cols = exprs.map((e, i) => `${e.sql} AS g${i}, `).join('');
  const groupParams: Record<string, string> = {};
  for (const e of exprs) Object.assign(groupParams, e.params);
  return { filter, cols, groupParams };
}

/** Rows of (g0, g1, …, n) → groups; no group-by and no rows is one group counting 0. */
export function logCountGroups(
  rows: readonly Record<string, string>[],
  groupBy: readonly string[],
): QueryResult {
  const groups = new Map<string, GroupValue>();
  for (const row of rows) {
    const labels = Object.fromEntries(groupBy.map((k, i) => [k, String(row[`g${i}`] ?? '')]));
    groups.set(groupKeyOf(labels), { labels, value: Number(row.n) });
  }
  if (groupBy.length === 0 && groups.size === 0) groups.set('', { labels: {}, value: 0 });
  return { groups, absent: 0 };
}

async function logCount(
  t: EvalTarget,
  query: LogCountQuery,
  groupBy: readonly string[],
  range: { fromMs: number; toMs: number },
): Promise<QueryResult> {
  const { filter, cols, groupParams } = logCountParts(query, groupBy, range);
  const groupSql =
    groupBy.length > 0 ? `GROUP BY ${groupBy.map((_, i) => `g${i}`).join(', ')}` : '';
  const rows = await selectRows<Record<string, string>>(
    t.client,
    `SELECT ${cols}count() AS n FROM ${logsTable(t.database)}
      WHERE ${filter.sql} ${groupSql} ORDER BY n DESC LIMIT ${MAX_GROUPS}`,
    { ...filter.params, ...groupParams },
  );
  return logCountGroups(rows, groupBy);
}

/** The span filter of a RED rule: its search, narrowed to its operation unless grouped by it. */
export function traceSearch(
  query: TraceRedQuery,
  byOperation: boolean,
): CompiledSearch | undefined {
  const parts: string[] = [];
  if (query.q !== undefined && query.q.trim() !== '') parts.push(`(${query.q})`);
  if (query.operation !== undefined && !byOperation) {
    parts.push(`name:"${query.operation.replaceAll('\\', '\\\\').replaceAll('"', '\\"')}"`);
  }
  if (parts.length === 0) return undefined;
  return compileSearch(parts.join(' '), 'spans', undefined, 'query.q');
}

async function traceRed(
  t: EvalTarget,
  query: TraceRedQuery,
  groupBy: readonly string[],
  range: { fromMs: number; toMs: number },
): Promise<QueryResult> {
  const byOperation = groupBy[0] === 'operation';
  const windowMs = range.toMs - range.fromMs;
  const { entries } = await redStats(t.client, {
    database: t.database,
    // One step spanning the window: the totals are what the rule compares.
    grid: { ...range, stepMs: windowMs, points: 1 },
    by: byOperation ? 'operation' : 'service',
    service: query.service,
    search: traceSearch(query, byOperation),
    limit: MAX_GROUPS,
  });
  return redGroups(query, groupBy, windowMs, entries);
}

/** A RED rule's value per group from the window's RED totals (busiest first). */
export function redGroups(
  query: TraceRedQuery,
  groupBy: readonly string[],
  windowMs: number,
  entries: readonly RedTotals[],
): QueryResult {
  const absent = query.measure === 'rate' ? 0 : null;
  const groups = new Map<string, GroupValue>();
  if (groupBy.length === 0) {
    const requests = entries.reduce((n, e) => n + e.requests, 0);
    const errors = entries.reduce((n, e) => n + e.errors, 0);
    let value: number | null;
    if (query.measure === 'rate') value = requests / (windowMs / 1000);
    else if (query.measure === 'error_rate') value = requests === 0 ? null : errors / requests;
    // Validation requires a service for an ungrouped latency rule: percentiles do not add up.
    else value = entries[0] ? latencyOf(query, entries[0]) : null;
    groups.set('', { labels: {}, value });
    return { groups, absent };
  }
  const key = groupBy[0] ?? 'service';
  for (const e of entries) {
    const labels = { [key]: e.name };
    const value =
      query.measure === 'rate'
        ? e.requestRate
        : query.measure === 'error_rate'
          ? e.errorRate
          : latencyOf(query, e);
    groups.set(groupKeyOf(labels), { labels, value });
  }
  return { groups, absent };
}

function latencyOf(
  query: TraceRedQuery,
  e: { p50Ms: number | null; p95Ms: number | null; p99Ms: number | null },
): number | null {
  switch (query.percentile ?? 'p95') {
    case 'p50':
      return e.p50Ms;
    case 'p95':
      return e.p95Ms;
    case 'p99':
      return e.p99Ms;
  }
}

/** Group-by keys of a metric rule as the metrics API spells them. */
const metricKey = (k: string): string => (k === 'service' ? 'service.name' : k);

async function metric(
  t: EvalTarget,
  query: MetricAlertQuery,
  groupBy: readonly string[],
  range: { fromMs: number; toMs: number },
): Promise<QueryResult> {
  const windowMs = range.toMs - range.fromMs;
  // About ten epoch-aligned steps per window, whole seconds, so the reduction sees a shape.
  const stepMs = Math.max(1000, Math.floor(windowMs / 10_000) * 1000);
  const fromMs = Math.floor(range.fromMs / stepMs) * stepMs;
  const points = Math.ceil((range.toMs - fromMs) / stepMs);
  const result = await runMetricQuery(t.client, t.database, {
    query: {
      metric: query.metric,
      aggregation: query.aggregation,
      ...(query.service !== undefined ? { service: query.service } : {}),
      ...(query.filters !== undefined ? { filters: query.filters } : {}),
      groupBy: groupBy.map(metricKey),
    },
    grid: { fromMs, toMs: fromMs + points * stepMs, stepMs, points },
    field: 'query',
    maxSeries: MAX_GROUPS,
  });
  const groups = new Map<string, GroupValue>();
  for (const s of result.series) {
    const labels = Object.fromEntries(groupBy.map((k) => [k, s.labels[metricKey(k)] ?? '']));
    // NaN and infinities are values (a NaN breaches no threshold, as in Prometheus); null is none.
    const values = s.points.map((p) => parsePointValue(p[1])).filter((v) => v !== null);
    groups.set(groupKeyOf(labels), { labels, value: reduce(values, query.reduce ?? 'avg') });
  }
  if (groupBy.length === 0 && groups.size === 0) groups.set('', { labels: {}, value: null });
  return { groups, absent: null };
}

export function reduce(
  values: readonly number[],
  how: 'avg' | 'last' | 'min' | 'max' | 'sum',
): number | null {
  if (values.length === 0) return null;
  switch (how) {
    case 'avg':
      return values.reduce((a, b) => a + b, 0) / values.length;
    case 'sum':
      return values.reduce((a, b) => a + b, 0);
    case 'min':
      return Math.min(...values);
    case 'max':
      return Math.max(...values);
    case 'last':
      return values.at(-1) ?? null;
  }
}
