import { describe, expect, it } from 'vitest';
import {
  escapeLike,
  findSeverityLevel,
  likePattern,
  parseDurationNs,
  parseNumber,
  parseSeverityNumber,
} from './values.ts';

describe('parseDurationNs', () => {
  it.each([
    ['1ns', 1n],
    ['1us', 1_000n],
    ['1µs', 1_000n],
    ['1μs', 1_000n],
    ['1ms', 1_000_000n],
    ['1s', 1_000_000_000n],
    ['1m', 60_000_000_000n],
    ['1h', 3_600_000_000_000n],
    ['500', 500_000_000n], // a bare number is milliseconds
    ['1.5s', 1_500_000_000n],
    ['.25ms', 250_000n],
    ['0', 0n],
    ['18446744073709551615ns', 18_446_744_073_709_551_615n],
  ])('%s is %i ns', (text, ns) => {
    expect(parseDurationNs(text)).toEqual({ floor: ns, ceil: ns });
  });

  it('rounds fractions of a nanosecond both ways, exactly', () => {
    expect(parseDurationNs('1.5ns')).toEqual({ floor: 1n, ceil: 2n });
    expect(parseDurationNs('0.0000001ms')).toEqual({ floor: 0n, ceil: 1n });
    // 0.1 + 0.2 style float error must not leak in: 0.3 s is exactly 300000000 ns.
    expect(parseDurationNs('0.3s')).toEqual({ floor: 300_000_000n, ceil: 300_000_000n });
  });

  it.each([
    '',
    'ms',
    '-1ms',
    '1 ms',
    '1MS',
    '1d',
    '1e3',
    '1.',
    'abc',
    '18446744073709551616ns',
    '1..2s',
  ])('rejects %j', (text) => {
    expect(parseDurationNs(text)).toBeNull();
  });
});

describe('parseNumber', () => {
  it('accepts decimal and exponent notation', () => {
    expect(parseNumber('500')).toBe(500);
    expect(parseNumber('-1.5')).toBe(-1.5);
    expect(parseNumber('+.5')).toBe(0.5);
    expect(parseNumber('1e3')).toBe(1000);
  });

  it.each(['', ' 1', '0x10', 'Infinity', 'NaN', '1e999', '1,000', '5ms'])('rejects %j', (text) => {
    expect(parseNumber(text)).toBeNull();
  });
});

describe('LIKE patterns', () => {
  it('escapes the metacharacters of LIKE', () => {
    expect(escapeLike('100%_done\\')).toBe('100\\%\\_done\\\\');
  });

  it('joins wildcard pieces with % and anchors only when asked', () => {
    expect(likePattern(['pay', 'ment'], true)).toBe('pay%ment');
    expect(likePattern(['', '50%', ''], true)).toBe('%50\\%%');
    expect(likePattern(['timeout'], false)).toBe('%timeout%');
  });
});

describe('severity', () => {
  it('knows the OpenTelemetry level ranges and common spellings', () => {
    expect(findSeverityLevel('ERROR')).toMatchObject({ name: 'error', min: 17, max: 20 });
    expect(findSeverityLevel('Warning')).toMatchObject({ name: 'warn', min: 13, max: 16 });
    expect(findSeverityLevel('crit')).toMatchObject({ name: 'fatal' });
    expect(findSeverityLevel('notice')).toBeUndefined();
  });

  it('accepts severity numbers within UInt8', () => {
    expect(parseSeverityNumber('17')).toBe(17);
    expect(parseSeverityNumber('256')).toBeNull();
    expect(parseSeverityNumber('-1')).toBeNull();
    expect(parseSeverityNumber('1.5')).toBeNull();
  });
});
