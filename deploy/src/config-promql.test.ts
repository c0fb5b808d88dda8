import { describe, expect, it } from 'vitest';
import { loadConfig } from './config.ts';

describe('PromQL limits', () => {
  it("default to Prometheus' own: 2 min, 50M samples; 500k series", () => {
    expect(loadConfig([], {}).promql).toEqual({
      maxSeries: 500_000,
      maxSamples: 50_000_000,
      timeoutMs: 120_000,
    });
  });

  it('are set by variables or flags, the flag winning', () => {
    const c = loadConfig(['--promql-timeout-seconds', '30'], {
      SIGHTLINE_PROMQL_MAX_SERIES: '1000',
      SIGHTLINE_PROMQL_MAX_SAMPLES: '2000000',
      SIGHTLINE_PROMQL_TIMEOUT_SECONDS: '10',
    });
    expect(c.promql).toEqual({ maxSeries: 1000, maxSamples: 2_000_000, timeoutMs: 30_000 });
  });

  it('stop start-up on a bad value, naming the variable', () => {
    expect(() => loadConfig([], { SIGHTLINE_PROMQL_MAX_SAMPLES: '0' })).toThrow(
      /SIGHTLINE_PROMQL_MAX_SAMPLES: expected an integer/,
    );
    expect(() => loadConfig([], { SIGHTLINE_PROMQL_TIMEOUT_SECONDS: '2m' })).toThrow(
      /SIGHTLINE_PROMQL_TIMEOUT_SECONDS: expected an integer/,
    );
  });
});
