import { describe, expect, it } from 'vitest';
import { backoffDelay, isRetryableStatus, retryAfterMs } from './backoff.ts';

describe('backoffDelay', () => {
  const policy = { backoffMs: 1000, maxBackoffMs: 10_000 };

  it('doubles each attempt, between half and all of the step', () => {
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 0))).toEqual([
      500, 1000, 2000, 4000,
    ]);
    expect([1, 2, 3, 4].map((a) => backoffDelay(a, policy, () => 1))).toEqual([
      1000, 2000, 4000, 8000,
    ]);
    expect(backoffDelay(2, policy, () => 0.5)).toBe(1500);
  });

  it('stops growing at the cap', () => {
    expect(backoffDelay(5, policy, () => 1)).toBe(10_000);
    expect(backoffDelay(40, policy, () => 1)).toBe(10_000);
    expect(backoffDelay(40, policy, () => 0)).toBe(5000);
  });
});

describe('retryAfterMs', () => {
  const now = Date.parse('2026-11-22T03:00:00Z');

  it('reads delay-seconds and HTTP dates', () => {
    expect(retryAfterMs('3', 60_000, now)).toBe(3000);
    expect(retryAfterMs('Sun, 22 Nov 2026 03:00:20 GMT', 60_000, now)).toBe(20_000);
    expect(retryAfterMs('Sun, 22 Nov 2026 02:00:00 GMT', 60_000, now)).toBe(0);
  });

  it('caps a long wait and ignores what it cannot read', () => {
    expect(retryAfterMs('86400', 60_000, now)).toBe(60_000);
    expect(retryAfterMs(null, 60_000, now)).toBeUndefined();
    expect(retryAfterMs('soon', 60_000, now)).toBeUndefined();
    expect(retryAfterMs('-5', 60_000, now)).toBeUndefined();
  });
});

describe('isRetryableStatus', () => {
  it('retries 408, 429 and 5xx only', () => {
    expect([408, 429, 500, 502, 503, 504].every(isRetryableStatus)).toBe(true);
    expect([400, 401, 403, 404, 410, 413, 422].some(isRetryableStatus)).toBe(false);
  });
});
