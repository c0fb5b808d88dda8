import { describe, expect, it } from 'vitest';
import { batchPolicy, DEFAULT_BATCH_POLICY, isFull, overflows } from './batch-policy.ts';

describe('batch policy', () => {
  it('overrides the defaults, frozen, and names a bad value', () => {
    const p = batchPolicy({ maxRows: 5 });
    expect(p).toEqual({ ...DEFAULT_BATCH_POLICY, maxRows: 5 });
    expect(Object.isFrozen(p)).toBe(true);
    expect(batchPolicy({ lingerMs: 7 }, p)).toEqual({ ...p, lingerMs: 7 });
    expect(() => batchPolicy({ maxRows: 0 })).toThrow(
      'batch maxRows must be a positive number, got 0',
    );
    expect(() => batchPolicy({ maxBytes: NaN })).toThrow('batch maxBytes');
    expect(() => batchPolicy({ lingerMs: -1 })).toThrow('batch lingerMs must be 0 or more, got -1');
  });

  it('cuts before the item that would pass rows or bytes, and calls a batch full at either', () => {
    const p = batchPolicy({ maxRows: 10, maxBytes: 100 });
    expect(overflows(p, { rows: 6, bytes: 10 }, { rows: 4, bytes: 90 })).toBe(false);
    expect(overflows(p, { rows: 6, bytes: 10 }, { rows: 5, bytes: 0 })).toBe(true);
    expect(overflows(p, { rows: 1, bytes: 10 }, { rows: 1, bytes: 91 })).toBe(true);
    expect(isFull(p, { rows: 9, bytes: 99 })).toBe(false);
    expect(isFull(p, { rows: 10, bytes: 0 })).toBe(true);
    expect(isFull(p, { rows: 0, bytes: 100 })).toBe(true);
  });
});
