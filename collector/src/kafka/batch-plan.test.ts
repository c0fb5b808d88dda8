import { describe, expect, it } from 'vitest';
import { PartitionBatcher, type BatchCut, type Sized } from './batch-plan.ts';

const msg = (offset: number, rows = 10, bytes = 100): Sized => ({ offset, rows, bytes });
const ranges = (cuts: BatchCut<Sized>[]) => cuts.map((c) => [c.first, c.last, c.replayed]);

function feed(b: PartitionBatcher<Sized>, offsets: number[], rows = 10): BatchCut<Sized>[] {
  return offsets.flatMap((o) => b.push(msg(o, rows), 0));
}

describe('PartitionBatcher', () => {
  it('cuts fresh messages by rows, never splitting a message', () => {
    const b = new PartitionBatcher<Sized>({ maxRows: 25, maxBytes: 1e9, lingerMs: 0 });
    expect(ranges(feed(b, [0, 1, 2, 3, 4, 5]))).toEqual([
      [0, 1, false],
      [2, 3, false],
    ]);
    expect(b.pendingCount).toBe(2);
    // One message over the limit goes alone, after what was pending.
    expect(ranges(feed(b, [6], 100))).toEqual([
      [4, 5, false],
      [6, 6, false],
    ]);
  });

  it('cuts by bytes and by age', () => {
    const b = new PartitionBatcher<Sized>({ maxRows: 1e9, maxBytes: 250, lingerMs: 1000 });
    expect(ranges(feed(b, [0, 1, 2]))).toEqual([[0, 1, false]]);
    expect(b.takeIfAged(999)).toBeNull();
    expect(b.takeIfAged(1000)).toMatchObject({ first: 2, last: 2 });
  });

  it('re-forms recorded batches exactly, whatever the limits now say', () => {
    const plan = [
      { first: 10, last: 14 },
      { first: 15, last: 15 },
    ];
    const b = new PartitionBatcher<Sized>({ maxRows: 20, maxBytes: 1e9, lingerMs: 0 }, plan);
    const cuts = feed(b, [10, 11, 12, 13, 14, 15, 16, 17, 18]);
    expect(ranges(cuts)).toEqual([
      [10, 14, true],
      [15, 15, true],
      [16, 17, false],
    ]);
    expect(cuts[0]!.items.map((i) => i.offset)).toEqual([10, 11, 12, 13, 14]);
  });

  it('keeps a recorded range when messages inside it are gone', () => {
    const b = new PartitionBatcher<Sized>({ maxRows: 1e9, maxBytes: 1e9, lingerMs: 0 }, [
      { first: 10, last: 14 },
      { first: 15, last: 19 },
    ]);
    // 10 and 14 were compacted away; 13 ends nothing, 16 closes 10–14 and starts 15–19.
    expect(ranges(feed(b, [11, 13, 16]))).toEqual([[10, 14, true]]);
    expect(b.takeIfAged(1e12)).toBeNull();
    expect(b.takeFresh()).toBeNull();
    expect(ranges(feed(b, [19]))).toEqual([[15, 19, true]]);
  });

  it('skips records already committed and never runs a fresh batch into a recorded one', () => {
    const b = new PartitionBatcher<Sized>({ maxRows: 1e9, maxBytes: 1e9, lingerMs: 0 }, [
      { first: 0, last: 4 },
      { first: 8, last: 9 },
    ]);
    expect(ranges(feed(b, [5, 6, 7, 8, 9]))).toEqual([
      [5, 7, false],
      [8, 9, true],
    ]);
  });

  it('refuses messages out of order', () => {
    const b = new PartitionBatcher<Sized>({ maxRows: 1e9, maxBytes: 1e9, lingerMs: 0 });
    b.push(msg(5));
    expect(() => b.push(msg(5))).toThrow(/out of order/);
  });
});
