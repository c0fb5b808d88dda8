import { describe, expect, it } from 'vitest';
import { formatRuleValue, formatThreshold, isRatio, percentOf, shareOf } from './rule-values.ts';

const errorRate = { kind: 'trace_red', measure: 'error_rate' } as const;
const latency = { kind: 'trace_red', measure: 'latency' } as const;

describe('rule values', () => {
  it('treats only an error rate as a ratio', () => {
    expect(isRatio(errorRate)).toBe(true);
    expect(isRatio(latency)).toBe(false);
    expect(isRatio({ kind: 'metric' })).toBe(false);
    expect(isRatio({ kind: 'promql' })).toBe(false);
  });

  it('converts between share and percent without binary noise, both ways', () => {
    expect(percentOf(0.309)).toBe(30.9);
    expect(shareOf(30.9)).toBe(0.309);
    for (const p of [0, 0.1, 5, 12.5, 30.9, 33.3, 99.99, 100, 150]) {
      expect(percentOf(shareOf(p))).toBe(p);
    }
    expect(percentOf(0.07)).toBe(7);
    expect(shareOf(7)).toBe(0.07);
    expect(Number.isNaN(shareOf(NaN))).toBe(true);
  });

  it('shows an error rate in percent with its unit, other values as numbers', () => {
    expect(formatRuleValue(errorRate, 0.309)).toBe('30.9 %');
    expect(formatRuleValue(errorRate, 0)).toBe('0 %');
    expect(formatRuleValue(errorRate, 1)).toBe('100 %');
    expect(formatRuleValue(errorRate, 0.00123)).toBe('0.123 %');
    expect(formatRuleValue(errorRate, 'NaN')).toBe('NaN');
    expect(formatRuleValue(latency, 250.5)).toBe('251');
    expect(formatRuleValue(latency, 0.309)).toBe('0.309');
    expect(formatThreshold(errorRate, 0.309)).toBe('30.9 %');
    expect(formatThreshold(latency, 0.309)).toBe('0.309');
  });
});
