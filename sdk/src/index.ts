// The public API of @sightline/sdk, re-exported by name.
export { init, shutdown, forceFlush, type SightlineSdk } from './init.ts';
export type {
  SightlineOptions,
  BatchOptions,
  InstrumentationToggles,
  ResourceAttributeValue,
  ResolvedConfig,
} from './options.ts';
export { createLogger, type CreateLoggerOptions } from './logger.ts';
export {
  getCorrelationId,
  CORRELATION_ATTRIBUTE,
  CORRELATION_BAGGAGE_KEY,
  CORRELATION_RESPONSE_HEADER,
} from './correlation.ts';
export { withSpan, type WithSpanOptions } from './with-span.ts';
export {
  counter,
  histogram,
  gauge,
  type CounterHandle,
  type HistogramHandle,
  type GaugeHandle,
  type MetricOptions,
  type HistogramOptions,
} from './metrics.ts';
export { getDroppedCounts, type DroppedCounts } from './drop-counter.ts';
export { SightlineSdkError, type SdkErrorCode } from './errors.ts';
export {
  circuitBreaker,
  BreakerState,
  type CircuitBreakerOptions,
  type BreakerOutcome,
  type BreakerStateName,
} from './circuit-breaker.ts';
export { withTimeout, TimeoutError, type WithTimeoutOptions } from './with-timeout.ts';
export type { DbQueryTextMode } from './db-query-text.ts';
