import type { OffsetRange } from '@sightline/store/batch-records';
import { isFull, overflows, type BatchPolicy } from '../ingest/batch-policy.ts';

export type { OffsetRange };

/** What the batcher needs of a message. */
export interface Sized {
  readonly offset: number;
  readonly rows: number;
  readonly bytes: number;
}

export interface BatchCut<T extends Sized> extends OffsetRange {
  readonly items: T[];
  /** True when the range comes from a recorded batch (a replay), not from the size limits. */
  readonly replayed: boolean;
}

/**
 * Cuts one partition's messages into batches. Fresh messages are cut by the batch policy (rows,
 * bytes, and age on request); messages covered by a recorded batch (the `plan`, loaded after the partition
 * was assigned) are cut exactly as recorded, so a replay re-forms the batch and its deduplication
 * token. Offsets may have gaps (compaction, transaction markers): a planned batch ends at the first
 * message past its `last`, and a fresh batch never runs into a planned one.
 */
export class PartitionBatcher<T extends Sized> {
  private pending: T[] = [];
  private rows = 0;
  private bytes = 0;
  private since = 0;
  private readonly plan: OffsetRange[];

  constructor(
    private readonly policy: BatchPolicy,
    plan: readonly OffsetRange[] = [],
  ) {
    this.plan = [...plan].sort((a, b) => a.first - b.first);
  }

  get pendingCount(): number {
    return this.pending.length;
  }

  /** Whether the pending messages belong to a recorded batch (which must not be cut early). */
  get replaying(): boolean {
    const p = this.pending[0];
    const next = this.plan[0];
    return p !== undefined && next !== undefined && next.first <= p.offset;
  }

  /** Adds a message; returns the batches it completed, in order. */
  push(item: T, now = Date.now()): BatchCut<T>[] {
    const cuts: BatchCut<T>[] = [];
    const lastPending = this.pending.at(-1);
    if (lastPending !== undefined && item.offset <= lastPending.offset) {
      throw new Error(`offset ${item.offset} after ${lastPending.offset}: messages out of order`);
    }
    // A planned batch whose end was skipped over (a gap) ends here.
    if (this.replaying && item.offset > this.plan[0]!.last) cuts.push(this.take());
    if (this.pending.length === 0) {
      while (this.plan.length > 0 && this.plan[0]!.last < item.offset) this.plan.shift();
    }
    const next = this.plan[0];
    if (!this.replaying && this.pending.length > 0) {
      const full = overflows(this.policy, { rows: this.rows, bytes: this.bytes }, item);
      // A fresh batch never reaches into a recorded one.
      if (full || (next !== undefined && item.offset >= next.first)) cuts.push(this.take());
    }
    if (this.pending.length === 0) this.since = now;
    this.pending.push(item);
    this.rows += item.rows;
    this.bytes += item.bytes;
    if (this.replaying) {
      if (item.offset >= this.plan[0]!.last) cuts.push(this.take());
    } else if (isFull(this.policy, { rows: this.rows, bytes: this.bytes })) {
      cuts.push(this.take());
    }
    return cuts;
  }

  /** The pending fresh batch once its first message waited the policy's linger; never a replayed one. */
  takeIfAged(now = Date.now()): BatchCut<T> | null {
    if (this.pending.length === 0 || this.replaying || now - this.since < this.policy.lingerMs)
      return null;
    return this.take();
  }

  /** Whatever fresh messages are pending (at shutdown); a partly read recorded batch stays. */
  takeFresh(): BatchCut<T> | null {
    if (this.pending.length === 0 || this.replaying) return null;
    return this.take();
  }

  private take(): BatchCut<T> {
    const items = this.pending;
    const replayed = this.replaying;
    const range = replayed
      ? this.plan.shift()!
      : { first: items[0]!.offset, last: items.at(-1)!.offset };
    this.pending = [];
    this.rows = 0;
    this.bytes = 0;
    return { first: range.first, last: range.last, items, replayed };
  }
}
