import { describe, expect, it } from 'vitest';
import {
  aggregatedUnit,
  formatTickValue,
  formatValue,
  niceTicks,
  parseUnit,
  scaleFor,
  unitTitle,
} from './units.ts';

describe('formatValue', () => {
  it.each([
    [0, 'ms', '0 ms'],
    [0, 'By', '0 B'],
    [0.25, 'ms', '250 µs'],
    [250, 'ms', '250 ms'],
    [1500, 'ms', '1.5 s'],
    [90, 's', '1.5 min'],
    [7200, 's', '2 h'],
    [1_500_000, 'ns', '1.5 ms'],
    [512, 'By', '512 B'],
    [1024, 'By', '1 KiB'],
    [1536, 'By', '1.5 KiB'],
    [5 * 1024 ** 3, 'By', '5 GiB'],
    [2, 'MiBy', '2 MiB'],
    [2048, 'By/s', '2 KiB/s'],
    [0.042, '1', '4.2 %'],
    [1, '1', '100 %'],
    [42.5, '%', '42.5 %'],
    [12.34, '{requests}/s', '12.3 requests/s'],
    [1500, '{requests}', '1.5k requests'],
    [3, '', '3'],
    [7, 'widgets', '7 widgets'],
    [-2500, 'ms', '-2.5 s'],
  ])('%s %s → %s', (v, unit, text) => {
    expect(formatValue(v, unit)).toBe(text);
  });

  it('shows missing and non-finite values as such, never as 0', () => {
    expect(formatValue(null, 'ms')).toBe('—');
    expect(formatValue(undefined, 'ms')).toBe('—');
    expect(formatValue(NaN, 'ms')).toBe('NaN');
    expect(formatValue(Infinity, 'By')).toBe('+Inf');
    expect(formatValue(-Infinity, 'By')).toBe('-Inf');
  });

  it('formats every tick of an axis in one scale', () => {
    const s = scaleFor('ms', 2000);
    expect([0, 500, 2000].map((v) => formatValue(v, 'ms', s))).toEqual(['0 s', '0.5 s', '2 s']);
  });
});

describe('axis ticks and titles', () => {
  it('keeps count ticks short and names the count in the title', () => {
    const s = scaleFor('{requests}/s', 2500);
    expect(formatTickValue(1500, '{requests}/s', s)).toBe('1.5k/s');
    expect(unitTitle('{requests}/s')).toBe('requests/s');
    expect(formatTickValue(1536, 'By', scaleFor('By', 2048))).toBe('1.5 KiB');
    expect(unitTitle('By')).toBe('');
  });
});

describe('parseUnit', () => {
  it('reads rates, annotations and unknown units', () => {
    expect(parseUnit('{requests}/s')).toEqual({
      kind: 'count',
      base: 1,
      rate: true,
      label: 'requests',
    });
    expect(parseUnit('ms')).toMatchObject({ kind: 'duration', base: 1e-3, rate: false });
    expect(parseUnit('1')).toMatchObject({ kind: 'ratio' });
    expect(parseUnit('')).toMatchObject({ kind: 'count', label: '' });
  });
});

describe('niceTicks', () => {
  it('gives round steps in the display unit', () => {
    expect(niceTicks(0, 1800, 'ms')).toEqual([0, 500, 1000, 1500, 2000]);
    expect(niceTicks(0, 0.0009, 's')).toEqual([0, 0.0005, 0.001]);
  });

  it('steps bytes by powers of two', () => {
    const ticks = niceTicks(0, 3 * 1024 * 1024, 'By');
    expect(ticks).toEqual([0, 1, 2, 3].map((m) => m * 1024 * 1024));
  });

  it('keeps ratios and percents within 0–100 %', () => {
    expect(niceTicks(0, 1, '1')).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 0, '1')).toEqual([0, 0.5, 1]);
    expect(niceTicks(0, 0.3, '1')).toEqual([0, 0.1, 0.2, 0.3]);
    expect(niceTicks(0, 400, '%')).toEqual([0, 50, 100]);
    // `1` past 1 is a dimensionless number, not a share over 100 %.
    expect(niceTicks(0, 4, '1')).toEqual([0, 1, 2, 3, 4]);
    expect(formatValue(130, '1')).toBe('130');
  });

  it('handles an all-zero or empty range', () => {
    expect(niceTicks(0, 0, 'ms')[0]).toBe(0);
    expect(niceTicks(0, 0, 'ms').length).toBeGreaterThan(1);
    expect(niceTicks(NaN, NaN, 'ms')).toEqual([0]);
  });

  it('includes negative values', () => {
    expect(niceTicks(-1, 1, '')).toEqual([-1, -0.5, 0, 0.5, 1]);
  });
});

describe('aggregatedUnit', () => {
  it.each([
    ['{requests}', 'rate', '{requests}/s'],
    ['By', 'rate', 'By/s'],
    ['', 'rate', '/s'],
    ['By/s', 'rate', 'By/s'],
    ['ms', 'p95', 'ms'],
    ['ms', 'count', ''],
    ['{requests}', 'increase', '{requests}'],
  ])('%s under %s is %s', (unit, agg, out) => {
    expect(aggregatedUnit(unit, agg)).toBe(out);
  });
  it('formats a unitless rate per second', () => {
    expect(formatValue(2.5, '/s')).toBe('2.5/s');
  });
});
