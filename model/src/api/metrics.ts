import { Type, type Static } from 'typebox';
import type { PointValue } from '../prom-value.ts';

/** A point in time: milliseconds since the epoch, or ISO 8601 with a zone (`2026-01-01T00:00:00Z`). */
export const TimeParam = Type.String({
  minLength: 1,
  maxLength: 64,
  description: 'epoch milliseconds or ISO 8601 with a zone',
});

/** A step: a whole number with s, m, h or d (`30s`, `5m`), or a number of seconds; at least 1s. */
export const StepParam = Type.String({
  minLength: 1,
  maxLength: 32,
  description: 'step such as 30s, 5m, 1h, 1d, or a number of seconds',
});

/**
 * A value: a number; "NaN", "+Inf" or "-Inf" (JSON has no such numbers; spelled as Prometheus
 * does, see prom-value.ts); or null where there is no value. Plain JSON Schema: fastify's
 * serializer (fast-json-stringify) rejects every value of a tuple whose item is an anyOf, which
 * is what Type.Tuple with a Type.Union item produces.
 */
export const PointValueSchema = Type.Unsafe<PointValue>({
  type: ['number', 'string', 'null'],
});

/** `[time in ms since the epoch, value]`; `null` where a step has no data. */
export const SeriesPoint = Type.Unsafe<[number, PointValue]>({
  type: 'array',
  items: { type: ['number', 'string', 'null'] },
  minItems: 2,
  maxItems: 2,
});
export type SeriesPoint = Static<typeof SeriesPoint>;

/** `[time in ms, value]` of a series computed from spans (rates, ratios, latencies): always finite. */
export const NumberPoint = Type.Unsafe<[number, number | null]>({
  type: 'array',
  items: { type: ['number', 'null'] },
  minItems: 2,
  maxItems: 2,
});
export type NumberPoint = Static<typeof NumberPoint>;

export const MetricType = Type.Union([
  Type.Literal('gauge'),
  Type.Literal('sum'),
  Type.Literal('histogram'),
  Type.Literal('exponential_histogram'),
  Type.Literal('summary'),
]);
export type MetricType = Static<typeof MetricType>;

export const Temporality = Type.Union([
  Type.Literal('delta'),
  Type.Literal('cumulative'),
  Type.Literal('mixed'),
]);
export type Temporality = Static<typeof Temporality>;

export const MetricNamesQuery = Type.Object({
  prefix: Type.Optional(Type.String({ maxLength: 256, description: 'metric names starting with' })),
  service: Type.Optional(Type.String({ maxLength: 256 })),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
});
export type MetricNamesQuery = Static<typeof MetricNamesQuery>;

export const MetricInfo = Type.Object({
  name: Type.String(),
  type: MetricType,
  unit: Type.String(),
  description: Type.String(),
  /** The services that sent it in the range, sorted ('' when a point came without one). */
  services: Type.Array(Type.String()),
  /** Sums only: a counter (only goes up) or an up-down counter. */
  monotonic: Type.Optional(Type.Boolean()),
  /** Sums and histograms: how points relate to each other. */
  temporality: Type.Optional(Temporality),
});
export type MetricInfo = Static<typeof MetricInfo>;

export const MetricNamesResponse = Type.Object({
  metrics: Type.Array(MetricInfo),
  /** More names matched than `limit`. */
  truncated: Type.Boolean(),
});
export type MetricNamesResponse = Static<typeof MetricNamesResponse>;

export const MetricNameParams = Type.Object({
  name: Type.String({ minLength: 1, maxLength: 1024 }),
});
export type MetricNameParams = Static<typeof MetricNameParams>;

export const MetricAttributesQuery = Type.Object({
  key: Type.Optional(
    Type.String({ minLength: 1, maxLength: 1024, description: 'list the top values of this key' }),
  ),
  service: Type.Optional(Type.String({ maxLength: 256 })),
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000, default: 100 })),
});
export type MetricAttributesQuery = Static<typeof MetricAttributesQuery>;

export const MetricAttributesResponse = Type.Object({
  metric: Type.String(),
  /** Without `key`: the attribute keys of the metric's data points, most frequent first. */
  keys: Type.Optional(Type.Array(Type.Object({ key: Type.String(), count: Type.Integer() }))),
  /** With `key`: that key. */
  key: Type.Optional(Type.String()),
  /** With `key`: its most frequent values (data points carrying each). */
  values: Type.Optional(Type.Array(Type.Object({ value: Type.String(), count: Type.Integer() }))),
  truncated: Type.Boolean(),
});
export type MetricAttributesResponse = Static<typeof MetricAttributesResponse>;

export const MetricAggregation = Type.Union([
  Type.Literal('sum'),
  Type.Literal('avg'),
  Type.Literal('min'),
  Type.Literal('max'),
  Type.Literal('count'),
  Type.Literal('rate'),
  Type.Literal('increase'),
  Type.Literal('irate'),
  Type.Literal('delta'),
  Type.Literal('avg_over_time'),
  Type.Literal('min_over_time'),
  Type.Literal('max_over_time'),
  Type.Literal('sum_over_time'),
  Type.Literal('count_over_time'),
  Type.Literal('last_over_time'),
  Type.Literal('stddev_over_time'),
  Type.Literal('stdvar_over_time'),
  Type.Literal('quantile_over_time'),
  Type.Literal('p50'),
  Type.Literal('p90'),
  Type.Literal('p95'),
  Type.Literal('p99'),
]);
export type MetricAggregation = Static<typeof MetricAggregation>;

/** How the series of one group are combined at each step (PromQL's `sum by (…)` and kin). */
export const MetricAcross = Type.Union([
  Type.Literal('sum'),
  Type.Literal('avg'),
  Type.Literal('min'),
  Type.Literal('max'),
  Type.Literal('count'),
]);
export type MetricAcross = Static<typeof MetricAcross>;

/**
 * Attribute keys in filters and groupBy: a data point attribute (`route`), a resource attribute
 * (`resource.host.name`), `service.name` (alias `service` or `job`) or `service.instance.id`
 * (alias `instance`). An unknown key is refused with the known keys listed.
 */
export const MetricFilter = Type.Object({
  key: Type.String({ minLength: 1, maxLength: 1024 }),
  op: Type.Union([
    Type.Literal('eq'),
    Type.Literal('neq'),
    Type.Literal('in'),
    Type.Literal('not_in'),
  ]),
  /** For eq / neq. */
  value: Type.Optional(Type.String({ maxLength: 4096 })),
  /** For in / not_in. */
  values: Type.Optional(Type.Array(Type.String({ maxLength: 4096 }), { maxItems: 100 })),
});
export type MetricFilter = Static<typeof MetricFilter>;

export const MetricQuery = Type.Object({
  /** Echoed back, so a caller can match results to queries. */
  id: Type.Optional(Type.String({ maxLength: 128 })),
  metric: Type.String({ minLength: 1, maxLength: 1024 }),
  /** Shorthand for a filter `service.name eq <service>`. */
  service: Type.Optional(Type.String({ maxLength: 256 })),
  filters: Type.Optional(Type.Array(MetricFilter, { maxItems: 50 })),
  aggregation: MetricAggregation,
  groupBy: Type.Optional(
    Type.Array(Type.String({ minLength: 1, maxLength: 1024 }), { maxItems: 10 }),
  ),
  /**
   * The window of rate, increase, irate, delta, the *_over_time functions and percentiles (PromQL's
   * `[5m]`), independent of the step. When not given: max(step + interval, 4 × interval), the
   * interval being the metric's typical time between points (Grafana's `$__rate_interval`).
   */
  range: Type.Optional(StepParam),
  /** For quantile_over_time: the quantile, 0 to 1. */
  quantile: Type.Optional(Type.Number({ minimum: 0, maximum: 1 })),
  /** How the series of a group are combined; sum by default (avg, min, max for those functions). */
  across: Type.Optional(MetricAcross),
  /** Override the request's range for this query. */
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  step: Type.Optional(StepParam),
});
export type MetricQuery = Static<typeof MetricQuery>;

/**
 * POST /api/v1/metrics/query. A body (not a query string) because a query is structured: filters,
 * group-by keys and several queries per chart. `from`/`to`/`step` apply to every query that does
 * not set its own; `from` is rounded down and `to` up to a multiple of `step`. Each point is the
 * value at the end of its step, as Prometheus evaluates a query_range: the first at `from + step`,
 * the last at `to`.
 */
export const MetricsQueryRequest = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  step: Type.Optional(StepParam),
  queries: Type.Array(MetricQuery, { minItems: 1, maxItems: 20 }),
});
export type MetricsQueryRequest = Static<typeof MetricsQueryRequest>;

export const MetricSeries = Type.Object({
  /** One entry per groupBy key; '' where a point lacks the key. */
  labels: Type.Record(Type.String(), Type.String()),
  /** Every step of the range, in order. */
  points: Type.Array(SeriesPoint),
});
export type MetricSeries = Static<typeof MetricSeries>;

export const MetricQueryResult = Type.Object({
  id: Type.Optional(Type.String()),
  metric: Type.String(),
  /** null when the metric has no data in the range. */
  type: Type.Union([MetricType, Type.Null()]),
  /** UCUM unit as sent, or read from a `_seconds`/`_bytes`/`_ratio` name suffix; '' if unknown. */
  unit: Type.String(),
  description: Type.String(),
  aggregation: MetricAggregation,
  /** The effective range and step, in ms. */
  from: Type.Number(),
  to: Type.Number(),
  step: Type.Number(),
  /** The window of range functions, in ms. */
  range: Type.Number(),
  series: Type.Array(MetricSeries),
  /** More series than the limit matched; the first ones (by label values) are returned. */
  truncated: Type.Boolean(),
});
export type MetricQueryResult = Static<typeof MetricQueryResult>;

export const MetricsQueryResponse = Type.Object({
  results: Type.Array(MetricQueryResult),
});
export type MetricsQueryResponse = Static<typeof MetricsQueryResponse>;
