import { describe, expect, it } from 'vitest';
import { compareLabels, formatValue, readFloat, sortedLabels } from './format.ts';

describe('formatValue', () => {
  it('writes values as Prometheus does', () => {
    expect(formatValue(1)).toBe('1');
    expect(formatValue(0.5)).toBe('0.5');
    expect(formatValue(0)).toBe('0');
    expect(formatValue(-0)).toBe('-0');
    expect(formatValue(-2.25)).toBe('-2.25');
    expect(formatValue(1e21)).toBe('1e+21');
    expect(formatValue(1.5e-7)).toBe('1.5e-07');
    expect(formatValue(1e-6)).toBe('0.000001');
    expect(formatValue(123456789012345680000)).toBe('123456789012345680000');
    expect(formatValue(-3e300)).toBe('-3e+300');
    expect(formatValue(NaN)).toBe('NaN');
    expect(formatValue(Infinity)).toBe('+Inf');
    expect(formatValue(-Infinity)).toBe('-Inf');
  });

  it('reads ClickHouse quoted denormals', () => {
    expect(readFloat('nan')).toBeNaN();
    expect(readFloat('inf')).toBe(Infinity);
    expect(readFloat('-inf')).toBe(-Infinity);
    expect(readFloat(2.5)).toBe(2.5);
  });
});

describe('label order', () => {
  it('orders label sets by sorted names then values, as Prometheus', () => {
    const sets: Record<string, string>[] = [
      { b: '1' },
      { a: '2' },
      { a: '1', b: '1' },
      { a: '1' },
      {},
      { a: 'é' },
      { a: 'z' },
    ];
    expect([...sets].sort(compareLabels)).toEqual([
      {},
      { a: '1' },
      { a: '1', b: '1' },
      { a: '2' },
      { a: 'z' },
      { a: 'é' },
      { b: '1' },
    ]);
    expect(
      Object.keys(sortedLabels({ job: 'x', __name__: 'up', Zeta: '1', instance: 'i' })),
    ).toEqual(['Zeta', '__name__', 'instance', 'job']);
  });
});
