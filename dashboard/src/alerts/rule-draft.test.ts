import { describe, expect, it } from 'vitest';
import type { AlertRule } from '@sightline/model/api/alerts';
import {
  describeQuery,
  describeRule,
  draftFromRule,
  draftToInput,
  NEW_RULE,
} from './rule-draft.ts';

const stored: AlertRule = {
  id: 'r1',
  name: 'Queue depth',
  enabled: false,
  query: {
    kind: 'metric',
    metric: 'queue.depth',
    aggregation: 'max',
    reduce: 'last',
    filters: [
      { key: 'queue', op: 'eq', value: 'charges' },
      { key: 'env', op: 'neq', value: 'dev' },
    ],
  },
  condition: { op: '>=', threshold: 100 },
  window: '10m',
  interval: '30s',
  for: '2m',
  severity: 'critical',
  labels: { team: 'payments' },
  groupBy: ['queue'],
  noData: 'ok',
  message: '{{rule.name}}: {{value}}',
  channels: [
    { kind: 'webhook', url: 'https://hooks.example.com/x', headers: { Authorization: 'Bearer t' } },
    { kind: 'email', to: ['a@example.com', 'b@example.com'] },
  ],
  repeatInterval: '4h',
  createdAt: '2026-11-22T00:00:00.000Z',
  updatedAt: '2026-11-22T00:00:00.000Z',
};

describe('rule drafts', () => {
  it('round-trips a stored rule through the form unchanged', () => {
    const { input, problems } = draftToInput(draftFromRule(stored));
    expect(problems).toEqual({});
    expect(input).toEqual({ ...stored, id: undefined, createdAt: undefined, updatedAt: undefined });
    expect(Object.keys(input)).not.toContain('id');
  });

  it('builds a trace RED query with only the fields that were filled in', () => {
    const { input } = draftToInput({
      ...NEW_RULE,
      name: ' Slow pay ',
      measure: 'latency',
      percentile: 'p99',
      service: 'checkout',
      q: 'http.route:/pay',
    });
    expect(input.name).toBe('Slow pay');
    expect(input.query).toEqual({
      kind: 'trace_red',
      measure: 'latency',
      percentile: 'p99',
      service: 'checkout',
      q: 'http.route:/pay',
    });
    expect(draftToInput(NEW_RULE).input.query).toEqual({
      kind: 'trace_red',
      measure: 'error_rate',
    });
  });

  it('shows an error-rate threshold in percent and stores it as the share it was', () => {
    const rule: AlertRule = {
      ...stored,
      query: { kind: 'trace_red', measure: 'error_rate', service: 'checkout' },
      condition: { op: '>', threshold: 0.309 },
    };
    const draft = draftFromRule(rule);
    expect(draft.threshold).toBe('30.9');
    expect(draftToInput(draft).input.condition).toEqual({ op: '>', threshold: 0.309 });
    expect(draftToInput({ ...draft, threshold: '0' }).input.condition?.threshold).toBe(0);
    expect(draftToInput({ ...draft, threshold: '100' }).input.condition?.threshold).toBe(1);
    // The other measures keep their own unit.
    const latency = draftFromRule({
      ...rule,
      query: { kind: 'trace_red', measure: 'latency', percentile: 'p95' },
      condition: { op: '>', threshold: 250 },
    });
    expect(latency.threshold).toBe('250');
    expect(draftToInput(latency).input.condition?.threshold).toBe(250);
    expect(describeRule(rule)).toBe('error rate of checkout > 30.9 %');
    expect(describeRule(stored)).toBe('max of queue.depth >= 100');
  });

  it('sends an empty threshold as NaN (null on the wire) for the server to name', () => {
    const { input } = draftToInput({ ...NEW_RULE, threshold: ' ' });
    const wire = JSON.parse(JSON.stringify(input)) as { condition: { threshold: unknown } };
    expect(wire.condition.threshold).toBeNull();
  });

  it('flags unreadable labels and metric filters before sending', () => {
    const { problems } = draftToInput({
      ...NEW_RULE,
      kind: 'metric',
      metric: 'm',
      labels: 'team=payments\nnonsense',
      filters: '=x',
    });
    expect(problems.labels).toContain('nonsense');
    expect(problems['query.filters']).toContain('=x');
  });

  it('describes queries the way the list shows them', () => {
    expect(describeQuery({ kind: 'trace_red', measure: 'error_rate', service: 'checkout' })).toBe(
      'error rate of checkout',
    );
    expect(describeQuery({ kind: 'log_count', q: 'level:error' })).toBe('log count of level:error');
  });
});
