import { createRequire } from 'node:module';
import { trace, type Attributes } from '@opentelemetry/api';
import type CircuitBreaker from 'opossum';
import type { Logger } from 'pino';
import { BREAKER_NAME_ATTRIBUTE, withBreakerName } from './breaker-context.ts';
import { createLogger } from './logger.ts';
import { counter, gauge } from './metrics.ts';

const require = createRequire(import.meta.url);

export { BREAKER_NAME_ATTRIBUTE };
export const BREAKER_STATE_METRIC = 'circuit_breaker.state';
export const BREAKER_CALLS_METRIC = 'circuit_breaker.calls';

/** The values of the `circuit_breaker.state` gauge. */
export const BreakerState = Object.freeze({ closed: 0, halfOpen: 1, open: 2 });
export type BreakerStateName = keyof typeof BreakerState;

/** The `outcome` attribute of `circuit_breaker.calls`. */
export type BreakerOutcome = 'success' | 'failure' | 'timeout' | 'rejected' | 'fallback';

export interface CircuitBreakerOptions<
  TI extends unknown[] = unknown[],
> extends CircuitBreaker.Options<TI> {
  /** Names the breaker in metrics, span marks and logs (opossum defaults to the function's name). */
  name?: string;
  /** Where state changes are logged; a Sightline logger (with trace context) by default. */
  logger?: Pick<Logger, 'info' | 'warn'>;
}

const stateGauge = gauge(BREAKER_STATE_METRIC, {
  description: 'Circuit breaker state: 0 closed, 1 half-open, 2 open',
  unit: '{state}',
});
const calls = counter(BREAKER_CALLS_METRIC, {
  description: 'Calls through a circuit breaker, by outcome',
  unit: '{call}',
});

let defaultLogger: Pick<Logger, 'info' | 'warn'> | undefined;
function breakerLogger(): Pick<Logger, 'info' | 'warn'> {
  defaultLogger ??= createLogger({ name: '@sightline/sdk/circuit-breaker' });
  return defaultLogger;
}

/** Adds an event and attributes to the span active where the call was made. */
function markSpan(name: string, outcome: 'rejected' | 'timeout', attributes: Attributes): void {
  const span = trace.getActiveSpan();
  if (span === undefined) return;
  span.setAttributes({ [BREAKER_NAME_ATTRIBUTE]: name, 'circuit_breaker.outcome': outcome });
  span.addEvent(`circuit_breaker.${outcome}`, { [BREAKER_NAME_ATTRIBUTE]: name, ...attributes });
}

function isTimeout(error: unknown): boolean {
  return (error as { code?: unknown } | null)?.code === 'ETIMEDOUT';
}

/**
 * An opossum circuit breaker around `fn`, observed by Sightline: the `circuit_breaker.state`
 * gauge and `circuit_breaker.calls` counter (both with `circuit_breaker.name`), an event on the
 * caller's span when a call is rejected or times out, and a log line on every state change.
 * The breaker itself is opossum's, returned as is (`fire`, `fallback`, events, options).
 */
export function circuitBreaker<TI extends unknown[], TR>(
  fn: (...args: TI) => Promise<TR>,
  options: CircuitBreakerOptions<TI> = {},
): CircuitBreaker<TI, TR> {
  // Loaded on first use: a service without a breaker never loads opossum.
  const Breaker = require('opossum') as typeof CircuitBreaker;
  const { logger, ...breakerOptions } = options;
  // The call runs in a context naming the breaker, so the client spans it makes carry the name.
  const guarded = function (this: unknown, ...args: TI): Promise<TR> {
    return withBreakerName(breaker.name, () => fn.apply(this, args));
  };
  // opossum names an unnamed breaker after its function: the caller's, not this wrapper.
  Object.defineProperty(guarded, 'name', { value: fn.name });
  const breaker: CircuitBreaker<TI, TR> = new Breaker<TI, TR>(guarded, breakerOptions);
  const name = breaker.name;
  const named = { [BREAKER_NAME_ATTRIBUTE]: name };
  const log = logger ?? breakerLogger();
  const count = (outcome: BreakerOutcome): void => calls.add(1, { ...named, outcome });
  let state: BreakerStateName = breaker.opened ? 'open' : breaker.halfOpen ? 'halfOpen' : 'closed';
  stateGauge.set(BreakerState[state], named);

  const moveTo = (next: BreakerStateName): void => {
    const from = state;
    state = next;
    stateGauge.set(BreakerState[next], named);
    const fields = { [BREAKER_NAME_ATTRIBUTE]: name, from, to: next };
    if (next === 'open') log.warn(fields, `circuit breaker ${name} opened`);
    else log.info(fields, `circuit breaker ${name} ${next === 'closed' ? 'closed' : 'half-open'}`);
  };
  breaker.on('open', () => moveTo('open'));
  breaker.on('halfOpen', () => moveTo('halfOpen'));
  breaker.on('close', () => moveTo('closed'));

  breaker.on('success', () => count('success'));
  // opossum reports a timeout as 'timeout' and then as 'failure'; count it once, as a timeout.
  breaker.on('failure', (error: unknown) => {
    if (!isTimeout(error)) count('failure');
  });
  breaker.on('timeout', () => {
    count('timeout');
    markSpan(name, 'timeout', {
      'circuit_breaker.timeout_ms':
        breakerOptions.timeout === false ? 0 : (breakerOptions.timeout ?? 10_000),
    });
  });
  const rejected = (): void => {
    count('rejected');
    markSpan(name, 'rejected', { 'circuit_breaker.state': state });
  };
  breaker.on('reject', rejected);
  breaker.on('semaphoreLocked', rejected);
  breaker.on('fallback', () => count('fallback'));
  return breaker;
}
