import type {
  AlertOperator,
  AlertQuery,
  AlertRule,
  AlertRuleInput,
  AlertSeverity,
  NoDataPolicy,
  TraceRedQuery,
} from '@sightline/model/api/alerts';
import type { AlertChannel } from '@sightline/model/api/alert-channels';
import type { MetricAggregation, MetricFilter } from '@sightline/model/api/metrics';
import { parseFilter } from '../metrics/metric-queries.ts';
import type { FormField } from './field-errors.ts';
import { formatThreshold, isRatio, percentOf, shareOf } from './rule-values.ts';

type Measure = TraceRedQuery['measure'];
type Percentile = NonNullable<TraceRedQuery['percentile']>;
type Reduce = NonNullable<Extract<AlertQuery, { kind: 'metric' }>['reduce']>;

export interface ChannelDraft {
  readonly kind: AlertChannel['kind'];
  readonly url: string;
  /** Webhook headers, one `Name: value` a line. */
  readonly headers: string;
  /** Email recipients, separated by commas or spaces. */
  readonly to: string;
}

/** What the form edits: text as typed, turned into a rule only when sent. */
export interface RuleDraft {
  readonly name: string;
  readonly description: string;
  readonly enabled: boolean;
  readonly kind: AlertQuery['kind'];
  /** log_count: the search; trace_red: the optional span filter. */
  readonly q: string;
  readonly measure: Measure;
  readonly percentile: Percentile;
  readonly service: string;
  readonly operation: string;
  readonly metric: string;
  readonly aggregation: MetricAggregation;
  readonly reduce: Reduce | '';
  /** Metric filters, one `key=value` or `key!=value` a line. */
  readonly filters: string;
  /** promql: the expression. */
  readonly expr: string;
  readonly op: AlertOperator;
  /** As typed: percent for an error rate (`30.9`), the stored value otherwise; empty for a PromQL rule: every series the expression returns holds. */
  readonly threshold: string;
  readonly window: string;
  readonly interval: string;
  readonly for: string;
  readonly severity: AlertSeverity;
  /** One `key=value` a line. */
  readonly labels: string;
  /** Comma-separated keys. */
  readonly groupBy: string;
  readonly noData: NoDataPolicy | '';
  readonly message: string;
  readonly channels: readonly ChannelDraft[];
  readonly repeatInterval: string;
}

export const EMPTY_CHANNEL: ChannelDraft = { kind: 'webhook', url: '', headers: '', to: '' };

export const NEW_RULE: RuleDraft = {
  name: '',
  description: '',
  enabled: true,
  kind: 'trace_red',
  q: '',
  measure: 'error_rate',
  percentile: 'p95',
  service: '',
  operation: '',
  metric: '',
  aggregation: 'avg',
  reduce: '',
  filters: '',
  expr: '',
  op: '>',
  threshold: '5',
  window: '5m',
  interval: '1m',
  for: '5m',
  severity: 'warning',
  labels: '',
  groupBy: '',
  noData: '',
  message: '',
  channels: [],
  repeatInterval: '',
};

const lines = (text: string): string[] =>
  text
    .split('\n')
    .map((l) => l.trim())
    .filter((l) => l !== '');

const opt = (v: string): string | undefined => (v.trim() === '' ? undefined : v.trim());

function channelInput(c: ChannelDraft): AlertChannel {
  switch (c.kind) {
    case 'slack':
      return { kind: 'slack', url: c.url.trim() };
    case 'email':
      return { kind: 'email', to: c.to.split(/[\s,;]+/).filter((a) => a !== '') };
    case 'webhook': {
      const headers: Record<string, string> = {};
      for (const l of lines(c.headers)) {
        const at = l.indexOf(':');
        headers[(at < 0 ? l : l.slice(0, at)).trim()] = at < 0 ? '' : l.slice(at + 1).trim();
      }
      return Object.keys(headers).length > 0
        ? { kind: 'webhook', url: c.url.trim(), headers }
        : { kind: 'webhook', url: c.url.trim() };
    }
  }
}

function queryInput(d: RuleDraft, problems: Partial<Record<FormField, string>>): AlertQuery {
  switch (d.kind) {
    case 'log_count':
      return { kind: 'log_count', q: d.q.trim() };
    case 'trace_red': {
      const q: TraceRedQuery = { kind: 'trace_red', measure: d.measure };
      const service = opt(d.service);
      const operation = opt(d.operation);
      const filter = opt(d.q);
      return {
        ...q,
        ...(d.measure === 'latency' ? { percentile: d.percentile } : {}),
        ...(service !== undefined ? { service } : {}),
        ...(operation !== undefined ? { operation } : {}),
        ...(filter !== undefined ? { q: filter } : {}),
      };
    }
    case 'metric': {
      const filters: MetricFilter[] = [];
      for (const l of lines(d.filters)) {
        const f = parseFilter(l);
        if (f === null) problems['query.filters'] = `'${l}' is not key=value or key!=value`;
        else if (f !== 'none') filters.push(f);
      }
      const service = opt(d.service);
      return {
        kind: 'metric',
        metric: d.metric.trim(),
        aggregation: d.aggregation,
        ...(service !== undefined ? { service } : {}),
        ...(filters.length > 0 ? { filters } : {}),
        ...(d.reduce !== '' ? { reduce: d.reduce } : {}),
      };
    }
    case 'promql':
      return { kind: 'promql', expr: d.expr.trim() };
  }
}

/**
 * The rule the draft describes, and what the form can tell is wrong before asking the server.
 * Everything else (durations, query syntax, URLs) is left to the server, which names the field.
 */
export function draftToInput(d: RuleDraft): {
  input: AlertRuleInput;
  problems: Partial<Record<FormField, string>>;
} {
  const problems: Partial<Record<FormField, string>> = {};
  const labels: Record<string, string> = {};
  for (const l of lines(d.labels)) {
    const at = l.indexOf('=');
    if (at <= 0) problems.labels = `'${l}' is not key=value`;
    else labels[l.slice(0, at).trim()] = l.slice(at + 1).trim();
  }
  const groupBy = d.groupBy
    .split(',')
    .map((k) => k.trim())
    .filter((k) => k !== '');
  // An empty or unreadable threshold travels as null (JSON has no NaN): the server names it.
  const typed = d.threshold.trim() === '' ? NaN : Number(d.threshold);
  const threshold = isRatio(d) ? shareOf(typed) : typed;
  const description = opt(d.description);
  const message = opt(d.message);
  const repeatInterval = opt(d.repeatInterval);
  const input: AlertRuleInput = {
    name: d.name.trim(),
    enabled: d.enabled,
    query: queryInput(d, problems),
    ...(d.kind === 'promql' && d.threshold.trim() === ''
      ? {}
      : { condition: { op: d.op, threshold } }),
    window: d.window.trim(),
    interval: d.interval.trim(),
    for: d.for.trim(),
    severity: d.severity,
    labels,
    groupBy,
    channels: d.channels.map(channelInput),
    ...(description !== undefined ? { description } : {}),
    ...(d.noData !== '' ? { noData: d.noData } : {}),
    ...(message !== undefined ? { message } : {}),
    ...(repeatInterval !== undefined ? { repeatInterval } : {}),
  };
  return { input, problems };
}

function channelDraft(c: AlertChannel): ChannelDraft {
  switch (c.kind) {
    case 'slack':
      return { ...EMPTY_CHANNEL, kind: 'slack', url: c.url };
    case 'email':
      return { ...EMPTY_CHANNEL, kind: 'email', to: c.to.join(', ') };
    case 'webhook':
      return {
        ...EMPTY_CHANNEL,
        url: c.url,
        headers: Object.entries(c.headers ?? {})
          .map(([k, v]) => `${k}: ${v}`)
          .join('\n'),
      };
  }
}

/** The form's starting point for a rule not stored yet (a template's), defaults as the server's. */
export function draftFromInput(r: AlertRuleInput): RuleDraft {
  return draftFromRule({
    ...r,
    id: '',
    enabled: r.enabled ?? true,
    labels: r.labels ?? {},
    groupBy: r.groupBy ?? [],
    noData: r.noData ?? 'keep',
    message: r.message ?? '',
    createdAt: '',
    updatedAt: '',
  });
}

/** The form's starting point for editing a stored rule. */
export function draftFromRule(r: AlertRule): RuleDraft {
  const q = r.query;
  const base: RuleDraft = {
    ...NEW_RULE,
    name: r.name,
    description: r.description ?? '',
    enabled: r.enabled,
    kind: q.kind,
    op: r.condition?.op ?? '>',
    threshold:
      r.condition === undefined
        ? ''
        : String(isRatio(q) ? percentOf(r.condition.threshold) : r.condition.threshold),
    window: r.window,
    interval: r.interval,
    for: r.for,
    severity: r.severity,
    labels: Object.entries(r.labels)
      .map(([k, v]) => `${k}=${v}`)
      .join('\n'),
    groupBy: r.groupBy.join(', '),
    noData: r.noData,
    message: r.message,
    channels: r.channels.map(channelDraft),
    repeatInterval: r.repeatInterval ?? '',
  };
  switch (q.kind) {
    case 'log_count':
      return { ...base, q: q.q };
    case 'trace_red':
      return {
        ...base,
        measure: q.measure,
        percentile: q.percentile ?? 'p95',
        service: q.service ?? '',
        operation: q.operation ?? '',
        q: q.q ?? '',
      };
    case 'metric':
      return {
        ...base,
        metric: q.metric,
        service: q.service ?? '',
        aggregation: q.aggregation,
        reduce: q.reduce ?? '',
        filters: (q.filters ?? [])
          .map((f) =>
            f.op === 'neq' || f.op === 'not_in'
              ? `${f.key}!=${f.value ?? (f.values ?? []).join('|')}`
              : `${f.key}=${f.value ?? (f.values ?? []).join('|')}`,
          )
          .join('\n'),
      };
    case 'promql':
      return { ...base, expr: q.expr };
  }
}

/** What the rule measures as people read it: `error rate of checkout`. */
export function describeQuery(q: AlertQuery): string {
  switch (q.kind) {
    case 'log_count':
      return `log count${q.q ? ` of ${q.q}` : ''}`;
    case 'trace_red': {
      const what =
        q.measure === 'latency'
          ? `${q.percentile ?? 'p95'} latency (ms)`
          : q.measure === 'error_rate'
            ? 'error rate'
            : 'request rate';
      const where = [q.service, q.operation].filter(Boolean).join(' / ');
      return `${what}${where ? ` of ${where}` : ''}${q.q ? ` where ${q.q}` : ''}`;
    }
    case 'metric':
      return `${q.aggregation} of ${q.metric}`;
    case 'promql':
      return `PromQL ${q.expr}`;
  }
}

/**
 * `error rate of checkout > 30.9 %`, `PromQL up == 0 > 1`, or without a condition
 * `PromQL up == 0 (every series returned)`.
 */
export function describeRule(r: Pick<AlertRule, 'query' | 'condition'>): string {
  const c = r.condition;
  const cond = c ? `${c.op} ${formatThreshold(r.query, c.threshold)}` : '(every series returned)';
  return `${describeQuery(r.query)} ${cond}`;
}
