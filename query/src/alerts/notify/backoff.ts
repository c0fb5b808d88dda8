/** How a failed attempt is retried. */
export interface RetryPolicy {
  /** Attempts in all, the first included. */
  readonly maxAttempts: number;
  /** Delay before the second attempt; doubles each time after. */
  readonly backoffMs: number;
  /** No computed delay exceeds this. */
  readonly maxBackoffMs: number;
  /** A receiver's Retry-After is honoured up to this; past it the wait is cut to the cap. */
  readonly retryAfterCapMs: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = Object.freeze({
  maxAttempts: 5,
  backoffMs: 1000,
  maxBackoffMs: 60_000,
  retryAfterCapMs: 300_000,
});

/**
 * Delay after failed attempt `attempt` (1-based): exponential, with "equal jitter" — half the
 * step fixed, half random — so receivers recovering from an outage are not hit by every
 * Sightline instance in the same millisecond, yet the wait never collapses to zero.
 */
export function backoffDelay(
  attempt: number,
  policy: Pick<RetryPolicy, 'backoffMs' | 'maxBackoffMs'>,
  random: () => number = Math.random,
): number {
  const step = Math.min(policy.maxBackoffMs, policy.backoffMs * 2 ** Math.max(0, attempt - 1));
  return Math.round(step / 2 + random() * (step / 2));
}

/**
 * A Retry-After header (delay-seconds or an HTTP-date) as milliseconds from `now`, capped;
 * undefined when absent or unreadable, so the computed backoff applies instead.
 */
export function retryAfterMs(
  header: string | null,
  capMs: number,
  now: number = Date.now(),
): number | undefined {
  if (header === null) return undefined;
  const text = header.trim();
  let ms: number;
  if (/^\d+$/.test(text)) ms = Number(text) * 1000;
  else {
    // Date.parse reads '-5' as a year; an HTTP-date always names its weekday and month.
    const date = /[a-z]/i.test(text) ? Date.parse(text) : Number.NaN;
    if (Number.isNaN(date)) return undefined;
    ms = Math.max(0, date - now);
  }
  return Math.min(ms, capMs);
}

/** 408 and 429 say "later"; any 5xx may pass; any other 4xx will fail the same way again. */
export function isRetryableStatus(status: number): boolean {
  return status === 408 || status === 429 || status >= 500;
}
