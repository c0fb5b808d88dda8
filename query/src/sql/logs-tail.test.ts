import { describe, expect, it } from 'vitest';
import { TailWindow } from './logs-tail.ts';

const S = 1_000_000_000n; // one second in ns
const NOW = 1_800_000_000n * S;

describe('TailWindow', () => {
  it('looks back a fixed window from now and forgets keys that leave it', () => {
    const w = new TailWindow(30n * S, 100);
    expect(w.lowerBound(NOW)).toBe(NOW - 30n * S);
    w.add(NOW - 40n * S, 1n);
    w.add(NOW - 10n * S, 2n);
    w.add(NOW + 5n * S, 3n); // a clock ahead of ours
    w.prune(NOW);
    expect(w.keys().sort()).toEqual([2n, 3n]);
    expect(w.has(1n)).toBe(false);
    w.prune(NOW + 21n * S);
    expect(w.keys()).toEqual([3n]);
  });

  it('past its size, forgets whole oldest timestamps and never reads below them again', () => {
    const w = new TailWindow(30n * S, 3);
    w.add(NOW - 5n * S, 1n);
    w.add(NOW - 4n * S, 2n);
    w.add(NOW - 4n * S, 3n);
    w.add(NOW - 3n * S, 4n);
    w.add(NOW - 2n * S, 5n);
    w.prune(NOW);
    // Dropping key 1 is not enough: key 2 shares its neighbour's timestamp with key 3, so both go.
    expect(w.keys().sort()).toEqual([4n, 5n]);
    expect(w.lowerBound(NOW)).toBe(NOW - 4n * S + 1n);
    // The floor only rises: once the window moves past it, the window rules again.
    expect(w.lowerBound(NOW + 60n * S)).toBe(NOW + 30n * S);
  });

  it('raises the floor only upwards', () => {
    const w = new TailWindow(30n * S, 10);
    w.raiseFloor(NOW - 5n * S);
    w.raiseFloor(NOW - 20n * S);
    expect(w.lowerBound(NOW)).toBe(NOW - 5n * S + 1n);
    expect(w.size).toBe(0);
  });
});
