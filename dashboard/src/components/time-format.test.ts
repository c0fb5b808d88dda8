// @vitest-environment happy-dom
import { afterEach, describe, expect, it } from 'vitest';
import {
  formatMinute,
  formatTick,
  formatTime,
  setTimeZone,
  timeZone,
  zoneLabel,
  zoneOffsetMs,
} from './time-format.ts';
import { traceIdIn } from './TraceIdBox.tsx';

// 2026-12-08T09:05:07.045Z
const T = Date.UTC(2026, 11, 8, 9, 5, 7, 45);
const localOffset = -new Date(T).getTimezoneOffset() * 60_000;

afterEach(() => setTimeZone('local'));

describe('formatTime', () => {
  it('writes 24-hour ISO times in UTC, with milliseconds and an optional date', () => {
    expect(formatTime(T, false, 'utc')).toBe('09:05:07.045');
    expect(formatTime(T, true, 'utc')).toBe('2026-12-08 09:05:07.045');
    expect(formatTime(Date.UTC(2026, 0, 1, 23, 59, 59, 999), true, 'utc')).toBe(
      '2026-01-01 23:59:59.999',
    );
    expect(formatTime(0, true, 'utc')).toBe('1970-01-01 00:00:00.000');
  });

  it('writes local times shifted by the browser zone offset', () => {
    expect(formatTime(T, true, 'local')).toBe(formatTime(T + localOffset, true, 'utc'));
    expect(zoneOffsetMs(T, 'local')).toBe(localOffset);
    expect(zoneOffsetMs(T, 'utc')).toBe(0);
  });

  it('answers a dash for a time that is not a number', () => {
    expect(formatTime(NaN, true)).toBe('—');
    expect(formatMinute(Number.POSITIVE_INFINITY)).toBe('—');
  });

  it('follows the shared switch and remembers it in localStorage', () => {
    setTimeZone('utc');
    expect(timeZone()).toBe('utc');
    expect(localStorage.getItem('sightline.timeZone')).toBe('utc');
    expect(formatTime(T, true)).toBe('2026-12-08 09:05:07.045');
    expect(formatMinute(T)).toBe('2026-12-08 09:05');
    expect(zoneLabel()).toBe('UTC');
    setTimeZone('local');
    expect(localStorage.getItem('sightline.timeZone')).toBe('local');
    expect(zoneLabel('local', T)).toMatch(/^local \(UTC[+-]\d\d:\d\d\)$/);
  });
});

describe('formatTick', () => {
  it('picks seconds, minutes or dates by the span of the axis', () => {
    expect(formatTick(T, 10 * 60_000, 'utc')).toBe('09:05:07');
    expect(formatTick(T, 6 * 3_600_000, 'utc')).toBe('09:05');
    expect(formatTick(T, 7 * 86_400_000, 'utc')).toBe('12-08 09:05');
  });
});

describe('traceIdIn', () => {
  const id = '4bf92f3577b34da6a3ce929d0e0e4736';
  it('finds the id alone, in a traceparent header, in a URL, in upper case', () => {
    expect(traceIdIn(` ${id} `)).toBe(id);
    expect(traceIdIn(`00-${id}-00f067aa0ba902b7-01`)).toBe(id);
    expect(traceIdIn(`http://127.0.0.1:8080/traces/${id}?span=1`)).toBe(id);
    expect(traceIdIn(id.toUpperCase())).toBe(id);
  });
  it('answers null when there is no 32-hex id', () => {
    expect(traceIdIn('')).toBeNull();
    expect(traceIdIn('abc')).toBeNull();
    expect(traceIdIn(`${id}ff`)).toBeNull();
    expect(traceIdIn('zz'.repeat(16))).toBeNull();
  });
});
