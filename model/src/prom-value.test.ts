import { describe, expect, it } from 'vitest';
import { formatPromValue, parsePointValue, toPointValue } from './prom-value.ts';

describe('Prometheus value formatting', () => {
  it('writes values as Prometheus does: shortest digits, an exponent only below 1e-6 and from 1e21, named non-finite values', () => {
    const cases: [number, string][] = [
      [0, '0'],
      [-0, '-0'],
      [1, '1'],
      [-2.5, '-2.5'],
      [0.1, '0.1'],
      [1 / 3, '0.3333333333333333'],
      [1e21, '1e+21'],
      [1e-6, '0.000001'],
      [-3e300, '-3e+300'],
      [1.5e-7, '1.5e-07'],
      [-1.2345e-10, '-1.2345e-10'],
      [123456789012345680000, '123456789012345680000'],
      [5e-324, '5e-324'],
      [NaN, 'NaN'],
      [Infinity, '+Inf'],
      [-Infinity, '-Inf'],
    ];
    for (const [n, s] of cases) expect([n, formatPromValue(n)]).toEqual([n, s]);
  });

  it('keeps finite values as numbers and null as no value; reads every spelling back', () => {
    expect([0, 1.5, NaN, Infinity, -Infinity, null].map(toPointValue)).toEqual([
      0,
      1.5,
      'NaN',
      '+Inf',
      '-Inf',
      null,
    ]);
    expect(
      ['NaN', 'nan', '+Inf', 'inf', '-Inf', '-inf', '2.5', 3, null, ''].map(parsePointValue),
    ).toEqual([NaN, NaN, Infinity, Infinity, -Infinity, -Infinity, 2.5, 3, null, null]);
    for (const n of [0, -1.25, 1e300, 5e-324, NaN, Infinity, -Infinity])
      expect(parsePointValue(formatPromValue(n))).toBe(n);
  });
});
