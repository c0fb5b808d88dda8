import { describe, expect, it } from 'vitest';
import { PALETTE } from './format.ts';
import { assignServiceColors, serviceColor } from './service-colors.ts';

const names = (n: number) =>
  Array.from({ length: n }, (_, i) => `svc-${String(i).padStart(2, '0')}`);

describe('service colours', () => {
  it('gives each service of a palette-sized set its own colour, whatever the order', () => {
    const set = [...names(PALETTE.length - 1), 'checkout', 'zürich-ünïcode', ''].slice(
      0,
      PALETTE.length,
    );
    assignServiceColors(set);
    const first = set.map(serviceColor);
    expect(new Set(first).size).toBe(set.length);
    assignServiceColors([...set].reverse());
    expect(set.map(serviceColor)).toEqual(first);
  });

  it('never repeats a colour between neighbours in name order when there are more services', () => {
    const many = names(3 * PALETTE.length + 5);
    assignServiceColors(many);
    const sorted = [...many].sort();
    for (let i = 1; i < sorted.length; i++)
      expect(serviceColor(sorted[i]!), sorted[i]).not.toBe(serviceColor(sorted[i - 1]!));
    // Spread evenly: no colour used more than its share rounded up.
    const counts = new Map<string, number>();
    for (const n of many) counts.set(serviceColor(n), (counts.get(serviceColor(n)) ?? 0) + 1);
    expect(Math.max(...counts.values())).toBe(Math.ceil(many.length / PALETTE.length));
  });

  it('colours an unassigned name by its name alone', () => {
    assignServiceColors([]);
    expect(serviceColor('payments')).toBe(serviceColor('payments'));
    expect(PALETTE).toContain(serviceColor('payments'));
  });
});
