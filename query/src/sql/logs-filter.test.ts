import { describe, expect, it } from 'vitest';
import { rangeFilter } from './logs-filter.ts';

describe('rangeFilter', () => {
  it('bounds whole-second ranges on TimestampTime only, the end exclusive', () => {
    const f = rangeFilter({ fromMs: 1_714_564_800_000, toMs: 1_714_568_400_000 });
    expect(f.sql).not.toContain('Timestamp ');
    expect(f.sql).toContain('TimestampTime >= toDateTime({rangeFromS:UInt32})');
    expect(f.params).toEqual({ rangeFromS: 1_714_564_800, rangeToS: 1_714_568_399 });
  });

  it('adds nanosecond bounds on Timestamp when an end falls inside a second', () => {
    const f = rangeFilter({ fromMs: 1_714_564_800_250, toMs: 1_714_564_801_000 });
    expect(f.sql).toContain('Timestamp >= fromUnixTimestamp64Nano({rangeFromNs:Int64})');
    expect(f.sql).toContain('Timestamp < fromUnixTimestamp64Nano({rangeToNs:Int64})');
    expect(f.params).toEqual({
      rangeFromNs: '1714564800250000000',
      rangeToNs: '1714564801000000000',
      rangeFromS: 1_714_564_800,
      rangeToS: 1_714_564_800,
    });
  });
});
