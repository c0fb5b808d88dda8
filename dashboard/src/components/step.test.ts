import { describe, expect, it } from 'vitest';
import { chartStep } from './step.ts';

const day = { from: 1_800_000_000_000 - 86_400_000, to: 1_800_000_000_000 };
const hour = { from: day.to - 3_600_000, to: day.to };

describe('chartStep', () => {
  it('follows the width when no step is fixed', () => {
    expect(chartStep(hour, 400)).toBe('1m');
    expect(chartStep(hour, 1200)).toBe('15s');
    expect(chartStep(day, 400)).toBe('15m');
    expect(chartStep(day, 400, undefined, 'auto', '')).toBe('15m');
  });

  it("takes the first fixed step: the panel's before the board's", () => {
    expect(chartStep(day, 400, '5m', '1h')).toBe('5m');
    expect(chartStep(day, 400, undefined, '1h')).toBe('1h');
    expect(chartStep(day, 400, 'auto', '1h')).toBe('1h');
  });
});
