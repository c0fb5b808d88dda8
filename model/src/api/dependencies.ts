import { Type, type Static } from 'typebox';
import { NumberPoint, StepParam, TimeParam } from './metrics.ts';
import { BreakerStateName, RedSeries, RedStats } from './services.ts';

/**
 * A service's downstream dependencies, from its client and producer spans (other services,
 * databases, caches, messaging) and from its circuit breakers' metrics.
 */
export const DependencyKind = Type.Union([
  Type.Literal('service'),
  Type.Literal('database'),
  Type.Literal('cache'),
  Type.Literal('messaging'),
  Type.Literal('circuit_breaker'),
]);
export type DependencyKind = Static<typeof DependencyKind>;

export { BreakerStateName };

export const BreakerStatus = Type.Object({
  /** The last state reported in the range (`circuit_breaker.state`), null if none was. */
  state: Type.Union([BreakerStateName, Type.Null()]),
  /** Seconds in the range during which the reported state was open. */
  openSeconds: Type.Number(),
  /** Calls in the range by outcome: success, failure, timeout, rejected, fallback. */
  outcomes: Type.Record(Type.String(), Type.Integer()),
  /**
   * The state at each step of the sparkline grid (0 closed, 1 half-open, 2 open): the last one
   * reported by the step's end, null before the first report in the range.
   */
  stateSeries: Type.Array(NumberPoint),
});
export type BreakerStatus = Static<typeof BreakerStatus>;

export const Dependency = Type.Object({
  kind: DependencyKind,
  /**
   * The callee service; for a client span with no instrumented peer, its server address. A
   * database or cache is `system address:port`; messaging is `system destination`; a breaker
   * is its `circuit_breaker.name`.
   */
  name: Type.String(),
  /** db.system.name / messaging.system; null for services and breakers. */
  system: Type.Union([Type.String(), Type.Null()]),
  /** server.address[:port]; null when the spans do not say. */
  address: Type.Union([Type.String(), Type.Null()]),
  /** For a breaker: calls through it; errors are failures, timeouts and rejections; no latency. */
  ...RedStats.properties,
  series: RedSeries,
  breaker: Type.Optional(BreakerStatus),
});
export type Dependency = Static<typeof Dependency>;

export const ServiceDependenciesQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
  /** Sparkline step; by default about 60 points over the range. */
  step: Type.Optional(StepParam),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 500, default: 200 })),
});
export type ServiceDependenciesQuery = Static<typeof ServiceDependenciesQuery>;

export const ServiceDependenciesResponse = Type.Object({
  service: Type.String(),
  from: Type.Number(),
  to: Type.Number(),
  step: Type.Number(),
  /** Worst first: open breakers, then by error rate, then by p95. */
  dependencies: Type.Array(Dependency),
  truncated: Type.Boolean(),
});
export type ServiceDependenciesResponse = Static<typeof ServiceDependenciesResponse>;

export const CircuitBreakersQuery = Type.Object({
  from: Type.Optional(TimeParam),
  to: Type.Optional(TimeParam),
});
export type CircuitBreakersQuery = Static<typeof CircuitBreakersQuery>;

/** One breaker of one service, for the grid of all breakers. */
export const CircuitBreakerSummary = Type.Object({
  service: Type.String(),
  name: Type.String(),
  requests: Type.Integer(),
  errors: Type.Integer({ description: 'failures, timeouts and rejections' }),
  requestRate: Type.Number(),
  errorRate: Type.Union([Type.Number(), Type.Null()]),
  ...BreakerStatus.properties,
});
export type CircuitBreakerSummary = Static<typeof CircuitBreakerSummary>;

export const CircuitBreakersResponse = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  /** Worst first: open, then half-open, then by error rate. */
  breakers: Type.Array(CircuitBreakerSummary),
});
export type CircuitBreakersResponse = Static<typeof CircuitBreakersResponse>;
