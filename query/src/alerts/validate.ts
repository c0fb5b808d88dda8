import type { AlertRuleInput, AlertQuery } from '@sightline/model/api/alerts';
import { SightlineError } from '@sightline/model/errors';
import { compileSearch } from '../search/compile-search.ts';
import { filtersSql, Params } from '../sql/metrics-keys.ts';
import { parseDuration } from './duration.ts';
import { traceSearch } from './evaluate-query.ts';
import { checkPromQL } from './promql-query.ts';
import { checkTemplate, DEFAULT_MESSAGE } from './template.ts';

/** A rule with every default filled in and its durations in milliseconds. */
export interface NormalizedRule {
  readonly input: AlertRuleInput;
  readonly enabled: boolean;
  readonly labels: Readonly<Record<string, string>>;
  readonly groupBy: readonly string[];
  readonly noData: 'ok' | 'alerting' | 'keep';
  readonly message: string;
  readonly windowMs: number;
  readonly intervalMs: number;
  readonly forMs: number;
  readonly repeatMs: number | null;
}

/** Longest window a rule may read: what the query API allows for one range. */
const MAX_WINDOW_MS = 7 * 86_400_000;

const invalid = (field: string, message: string): SightlineError =>
  new SightlineError('SL_ERR_VALIDATION', 400, `${field}: ${message}`);

/**
 * What the schema cannot say: durations in range, queries that compile, group-by keys the query
 * kind can group by, template placeholders that exist. Every error names the field at fault.
 */
export function validateRule(input: AlertRuleInput): NormalizedRule {
  const windowMs = parseDuration(input.window, 'window');
  const intervalMs = parseDuration(input.interval, 'interval');
  const forMs = parseDuration(input.for, 'for');
  const repeatMs =
    input.repeatInterval === undefined
      ? null
      : parseDuration(input.repeatInterval, 'repeatInterval');
  if (windowMs <= 0) throw invalid('window', 'must be positive');
  if (windowMs > MAX_WINDOW_MS) throw invalid('window', 'may be at most 7d');
  if (intervalMs < 1000) throw invalid('interval', 'must be at least 1s');
  if (repeatMs !== null && repeatMs < intervalMs) {
    throw invalid('repeatInterval', `must be at least the interval (${input.interval})`);
  }
  const promql = input.query.kind === 'promql';
  if (input.condition === undefined && !promql) {
    throw invalid('condition', `is required for a ${input.query.kind} rule`);
  }
  if (input.condition !== undefined && !Number.isFinite(input.condition.threshold)) {
    throw invalid('condition.threshold', 'must be a finite number');
  }
  const groupBy = input.groupBy ?? [];
  if (new Set(groupBy).size !== groupBy.length) throw invalid('groupBy', 'has a key twice');
  checkQuery(input.query, groupBy);
  const message = input.message ?? DEFAULT_MESSAGE;
  checkTemplate(message, 'message');
  return {
    input,
    enabled: input.enabled ?? true,
    labels: input.labels ?? {},
    groupBy,
    // A series a PromQL rule no longer returns has stopped holding, as in Prometheus.
    noData: input.noData ?? (promql ? 'ok' : 'keep'),
    message,
    windowMs,
    intervalMs,
    forMs,
    repeatMs,
  };
}

function checkQuery(query: AlertQuery, groupBy: readonly string[]): void {
  switch (query.kind) {
    case 'log_count':
      compileSearch(query.q, 'logs', undefined, 'query.q');
      return;
    case 'trace_red': {
      if (
        groupBy.length > 1 ||
        (groupBy[0] !== undefined && !['service', 'operation'].includes(groupBy[0]))
      ) {
        throw invalid('groupBy', "a trace RED rule groups by 'service' or 'operation' (one key)");
      }
      if (query.measure !== 'latency' && query.percentile !== undefined) {
        throw invalid('query.percentile', 'applies to the latency measure only');
      }
      if (query.measure === 'latency' && groupBy.length === 0 && query.service === undefined) {
        throw invalid(
          'query.service',
          'a latency rule without group-by needs a service (percentiles of several services do not combine)',
        );
      }
      traceSearch(query, groupBy[0] === 'operation');
      return;
    }
    case 'metric':
      filtersSql(query.filters ?? [], query.service, new Params(), 'query.filters');
      return;
    case 'promql':
      if (groupBy.length > 0) {
        throw invalid('groupBy', 'a PromQL rule has one alert per series its expression returns');
      }
      checkPromQL(query.expr);
  }
}
