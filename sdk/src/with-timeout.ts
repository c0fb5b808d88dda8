import { trace } from '@opentelemetry/api';

/** What `withTimeout` rejects with when the call took too long. */
export class TimeoutError extends Error {
  override readonly name = 'TimeoutError';
  readonly code = 'ETIMEDOUT';

  constructor(
    readonly what: string,
    readonly timeoutMs: number,
  ) {
    super(`${what} timed out after ${timeoutMs} ms`);
  }
}

export interface WithTimeoutOptions {
  /** Names the call in the error and the span event. */
  name?: string;
}

/**
 * Runs `fn` and rejects with a `TimeoutError` if it has not settled within `timeoutMs`; the
 * `AbortSignal` handed to `fn` is aborted then, and the active span gets a `timeout` event.
 * For calls that are not behind a circuit breaker (a breaker has its own `timeout` option).
 */
export function withTimeout<T>(
  fn: (signal: AbortSignal) => Promise<T> | T,
  timeoutMs: number,
  options: WithTimeoutOptions = {},
): Promise<T> {
  if (!Number.isFinite(timeoutMs) || timeoutMs < 0) {
    return Promise.reject(new RangeError(`timeoutMs should be a number ≥ 0, got ${timeoutMs}`));
  }
  const what = options.name ?? (fn.name || 'call');
  const controller = new AbortController();
  const span = trace.getActiveSpan();
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => {
      const error = new TimeoutError(what, timeoutMs);
      span?.addEvent('timeout', { 'timeout.name': what, 'timeout.ms': timeoutMs });
      controller.abort(error);
      reject(error);
    }, timeoutMs);
  });
  // The executor turns a synchronous throw of fn into a rejection.
  const call = new Promise<T>((resolve) => resolve(fn(controller.signal)));
  return Promise.race([call, timeout]).finally(() => clearTimeout(timer));
}
