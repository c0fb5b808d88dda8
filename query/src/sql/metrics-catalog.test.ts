import { describe, expect, it } from 'vitest';
import { unitOf } from './metrics-catalog.ts';

describe('unitOf', () => {
  it('keeps the unit a metric was sent with', () => {
    expect(unitOf('http.server.duration', 'ms')).toBe('ms');
    expect(unitOf('latency_seconds', 'ms')).toBe('ms');
  });

  it("reads Prometheus' conventional suffixes, on every series of a family", () => {
    expect(unitOf('http_request_duration_seconds', '')).toBe('s');
    expect(unitOf('http_request_duration_seconds_bucket', '')).toBe('s');
    expect(unitOf('cpu_seconds_total', '')).toBe('s');
    expect(unitOf('response_size_bytes_sum', '')).toBe('By');
    expect(unitOf('cache_hit_ratio', '')).toBe('1');
  });

  it('knows no unit for other names', () => {
    expect(unitOf('up', '')).toBe('');
    expect(unitOf('seconds_left', '')).toBe('');
    expect(unitOf('cache_hit_ratio_total', '')).toBe('');
  });
});
