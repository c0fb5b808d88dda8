import { Type, type Static } from 'typebox';
import { SelfTelemetryParam } from '../self-telemetry.ts';
import { NumberPoint, StepParam, TimeParam } from './metrics.ts';

/**
 * RED (rate, errors, duration) from spans. A service's requests are its spans of kind Server or
 * Consumer; a service that has none in the range (a batch job, an uninstrumented entry point) is
 * measured on all its spans instead.
 */
export const RedStats = Type.Object({
  requests: Type.Integer(),
  errors: Type.Integer({ description: 'requests with StatusCode Error' }),
  /** Requests per second over the range. */
  requestRate: Type.Number(),
  /** errors / requests, 0..1; null without requests. */
  errorRate: Type.Union([Type.Number(), Type.Null()]),
  /** Duration percentiles in milliseconds (exact, linear between closest ranks). */
  p50Ms: Type.Union([Type.Number(), Type.Null()]),
  p95Ms: Type.Union([Type.Number(), Type.Null()]),
  p99Ms: Type.Union([Type.Number(), Type.Null()]),
});
export type RedStats = Static<typeof RedStats>;

/** Per step: requests per second (0 in an empty step), error share and p95 (null when empty). */
export const RedSeries = Type.Object({
  rate: Type.Array(NumberPoint),
  errorRate: Type.Array(NumberPoint),
  p95Ms: Type.Array(NumberPoint),
});
export type RedSeries = Static<typeof RedSeries>;

export const ServicesOverviewQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  /** Sparkline step; by default about 60 points over the range. */
  step: Type.Optional(StepParam),
  /** Search language over spans, applied before counting. */
  q: Type.Optional(Type.String({ maxLength: 8192 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
  selfTelemetry: SelfTelemetryParam,
});
export type ServicesOverviewQuery = Static<typeof ServicesOverviewQuery>;

export const ServiceRed = Type.Object({
  service: Type.String(),
  ...RedStats.properties,
  series: RedSeries,
});
export type ServiceRed = Static<typeof ServiceRed>;

export const ServicesOverviewResponse = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  step: Type.Number(),
  /** Busiest first. */
  services: Type.Array(ServiceRed),
  truncated: Type.Boolean(),
});
export type ServicesOverviewResponse = Static<typeof ServicesOverviewResponse>;

export const ServiceParams = Type.Object({
  service: Type.String({ minLength: 1, maxLength: 256 }),
});
export type ServiceParams = Static<typeof ServiceParams>;

export const ServiceRedQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  /** By default about 100 points over the range. */
  step: Type.Optional(StepParam),
  q: Type.Optional(Type.String({ maxLength: 8192 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
  selfTelemetry: SelfTelemetryParam,
});
export type ServiceRedQuery = Static<typeof ServiceRedQuery>;

export const OperationRed = Type.Object({
  operation: Type.String({ description: 'SpanName' }),
  ...RedStats.properties,
  series: RedSeries,
});
export type OperationRed = Static<typeof OperationRed>;

export const ServiceRedResponse = Type.Object({
  service: Type.String(),
  from: Type.Number(),
  to: Type.Number(),
  step: Type.Number(),
  /** Busiest first. */
  operations: Type.Array(OperationRed),
  truncated: Type.Boolean(),
});
export type ServiceRedResponse = Static<typeof ServiceRedResponse>;

export const ServiceMapQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 5000, default: 1000 })),
  selfTelemetry: SelfTelemetryParam,
});
export type ServiceMapQuery = Static<typeof ServiceMapQuery>;

/** A circuit breaker's state, as its `circuit_breaker.state` gauge reports it (0, 1, 2). */
export const BreakerStateName = Type.Union([
  Type.Literal('closed'),
  Type.Literal('half-open'),
  Type.Literal('open'),
]);
export type BreakerStateName = Static<typeof BreakerStateName>;

export const ServiceMapNodeKind = Type.Union([
  Type.Literal('service'),
  Type.Literal('database'),
  Type.Literal('cache'),
]);
export type ServiceMapNodeKind = Static<typeof ServiceMapNodeKind>;

export const ServiceMapNode = Type.Object({
  /** A service's name; a database or cache is `system address:port`, as in its dependencies. */
  service: Type.String(),
  kind: ServiceMapNodeKind,
  /**
   * Requests as in RED: Server/Consumer spans, or all spans of a service without any; for a
   * database or cache, the client spans calling it.
   */
  requests: Type.Integer(),
  errors: Type.Integer(),
  errorRate: Type.Union([Type.Number(), Type.Null()]),
});
export type ServiceMapNode = Static<typeof ServiceMapNode>;

/** A circuit breaker guarding an edge: named on the caller's client spans by the SDK. */
export const EdgeBreaker = Type.Object({
  name: Type.String(),
  /** Its last reported state in the range; null when it reported none. */
  state: Type.Union([BreakerStateName, Type.Null()]),
});
export type EdgeBreaker = Static<typeof EdgeBreaker>;

/**
 * A call from one service to another: a span of `callee` whose parent span belongs to `caller`,
 * errors and latency those of the callee's spans; or to a database or cache: the caller's client
 * spans with that system and address, errors and latency theirs.
 */
export const ServiceMapEdge = Type.Object({
  caller: Type.String(),
  callee: Type.String(),
  /** What the callee is: another service, or a database or cache. */
  calleeKind: ServiceMapNodeKind,
  calls: Type.Integer(),
  errors: Type.Integer(),
  errorRate: Type.Number(),
  p95Ms: Type.Number(),
  /** The caller's circuit breakers around these calls, open first. */
  breakers: Type.Array(EdgeBreaker),
});
export type ServiceMapEdge = Static<typeof ServiceMapEdge>;

export const ServiceMapResponse = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  nodes: Type.Array(ServiceMapNode),
  edges: Type.Array(ServiceMapEdge),
  /** More nodes or edges than `limit`; the busiest are returned. */
  truncated: Type.Boolean(),
});
export type ServiceMapResponse = Static<typeof ServiceMapResponse>;
