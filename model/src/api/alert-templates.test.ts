import { describe, expect, it } from 'vitest';
import { breakerOpenRule, minutesDuration } from './alert-templates.ts';

describe('breaker-open alert template', () => {
  it('spells the hold as whole minutes, else whole seconds', () => {
    expect(minutesDuration(5)).toBe('5m');
    expect(minutesDuration(1.5)).toBe('90s');
    expect(minutesDuration(0.05)).toBe('3s');
    expect(minutesDuration(0)).toBe('1s');
  });

  it('narrows to a service and a breaker only when given', () => {
    const all = breakerOpenRule({ minutes: 5 });
    expect(all).toMatchObject({ name: 'A circuit breaker open for more than 5m', for: '5m' });
    expect(all.query).toEqual({
      kind: 'metric',
      metric: 'circuit_breaker.state',
      aggregation: 'max',
      reduce: 'last',
    });
    const one = breakerOpenRule({ minutes: 2, service: 'checkout', breaker: 'payments-api' });
    expect(one.name).toBe('payments-api open for more than 2m');
    expect(one.query).toMatchObject({
      service: 'checkout',
      filters: [{ key: 'circuit_breaker.name', op: 'eq', value: 'payments-api' }],
    });
  });
});
