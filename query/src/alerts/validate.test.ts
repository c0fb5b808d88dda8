import { describe, expect, it } from 'vitest';
import type { AlertRuleInput } from '@sightline/model/api/alerts';
import { SightlineError } from '@sightline/model/errors';
import { validateRule } from './validate.ts';

const base: AlertRuleInput = {
  name: 'errors',
  query: { kind: 'log_count', q: 'level:error' },
  condition: { op: '>', threshold: 10 },
  window: '5m',
  interval: '1m',
  for: '0s',
  severity: 'warning',
  channels: [],
};

const fieldOf = (input: AlertRuleInput): string => {
  try {
    validateRule(input);
  } catch (err) {
    expect(err).toBeInstanceOf(SightlineError);
    expect((err as SightlineError).statusCode).toBe(400);
    return (err as SightlineError).message.split(':')[0] ?? '';
  }
  throw new Error('expected a validation error');
};

describe('rule validation', () => {
  it('accepts a valid rule and fills defaults', () => {
    const n = validateRule(base);
    expect(n).toMatchObject({
      enabled: true,
      noData: 'keep',
      groupBy: [],
      windowMs: 300_000,
      intervalMs: 60_000,
      forMs: 0,
      repeatMs: null,
    });
  });

  it('names the field at fault', () => {
    expect(fieldOf({ ...base, interval: '0s' })).toBe('interval');
    expect(fieldOf({ ...base, window: '0m' })).toBe('window');
    expect(fieldOf({ ...base, window: '30d' })).toBe('window');
    expect(fieldOf({ ...base, condition: { op: '>', threshold: Infinity } })).toBe(
      'condition.threshold',
    );
    expect(fieldOf({ ...base, query: { kind: 'log_count', q: 'level:(error' } })).toBe('query.q');
    expect(fieldOf({ ...base, query: { kind: 'log_count', q: 'duration:>5ms' } })).toBe('query.q');
    expect(fieldOf({ ...base, message: 'hi {{nope}}' })).toBe('message');
    expect(fieldOf({ ...base, repeatInterval: '10s' })).toBe('repeatInterval');
    expect(fieldOf({ ...base, groupBy: ['service', 'service'] })).toBe('groupBy');
  });

  it('checks trace RED rules for what they can compute', () => {
    const red = (
      q: Partial<Extract<AlertRuleInput['query'], { kind: 'trace_red' }>>,
      groupBy?: string[],
    ) =>
      ({
        ...base,
        query: { kind: 'trace_red', measure: 'error_rate', ...q },
        ...(groupBy ? { groupBy } : {}),
      }) as AlertRuleInput;
    expect(() => validateRule(red({}, ['service']))).not.toThrow();
    expect(fieldOf(red({}, ['route']))).toBe('groupBy');
    expect(fieldOf(red({ measure: 'latency' }))).toBe('query.service');
    expect(fieldOf(red({ percentile: 'p95' }))).toBe('query.percentile');
    expect(fieldOf(red({ q: 'status:bogus' }))).toBe('query.q');
    expect(() =>
      validateRule(red({ measure: 'latency', service: 'a', percentile: 'p99' })),
    ).not.toThrow();
  });

  it('checks metric filters', () => {
    const m = {
      ...base,
      query: {
        kind: 'metric',
        metric: 'http.server.duration',
        aggregation: 'p95',
        filters: [{ key: 'route', op: 'in' }],
      },
    } as AlertRuleInput;
    expect(fieldOf(m)).toMatch(/^query\.filters/);
  });
});
