import { describe, expect, it } from 'vitest';
import { autoStepSeconds, formatSeconds, stepForWidth } from './steps.ts';

const H = 3_600_000;
const range = (ms: number) => ({ fromMs: 1_800_000_000_000 - ms, toMs: 1_800_000_000_000 });

describe('stepForWidth', () => {
  it('gives a chart about one point per 4 px, rounded up to a nice step', () => {
    // 1 h on 400 px: at most 100 points → 60 s (60 points), not 36 s.
    expect(stepForWidth(range(H), 400)).toBe(60);
    // The same hour on a chart three times as wide: 300 points → 15 s.
    expect(stepForWidth(range(H), 1200)).toBe(15);
    // 24 h on 400 px: 864 s would be exact; the next nice step is 15 min.
    expect(stepForWidth(range(24 * H), 400)).toBe(900);
  });

  it('keeps at least 10 points on a chart too narrow to measure', () => {
    expect(stepForWidth(range(H), 0)).toBe(600);
    expect(stepForWidth(range(H), 12)).toBe(600);
  });

  it('counts the buckets a range touches, so an unaligned range still fits', () => {
    const r = { fromMs: 30_000, toMs: 30_000 + 600_000 };
    // 10 min from :30 touches 11 one-minute buckets; 10 points are allowed, so 2 min.
    expect(stepForWidth(r, 40)).toBe(120);
    expect(autoStepSeconds(r, 11)).toBe(60);
  });

  it('goes to whole days past the nice steps', () => {
    expect(stepForWidth(range(90 * 24 * H), 40)).toBe(10 * 86_400);
  });
});

describe('formatSeconds', () => {
  it('writes a step in the largest unit that divides it', () => {
    expect([90, 300, 3600, 7200, 86_400, 172_800, 1].map(formatSeconds)).toEqual([
      '90s',
      '5m',
      '1h',
      '2h',
      '1d',
      '2d',
      '1s',
    ]);
  });
});
