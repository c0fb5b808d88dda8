import { createHash } from 'node:crypto';
import { ROW_KINDS, type RowBatch, type RowKind } from '@sightline/model/rows';

const fingerprint = (kind: RowKind, rows: readonly unknown[]): string =>
  createHash('sha1').update(kind).update(JSON.stringify(rows)).digest('base64');

/**
 * Remembers the parts of refused requests that were stored anyway. A batch spans several tables
 * (a metrics export holds gauges, sums and histograms); when a later table fails, the client is
 * told to retry the whole request, and the tables that did succeed must not get its rows twice.
 * The retry carries the same data, so its rows fingerprint the same.
 */
export class StoredParts {
  private readonly seen = new Map<string, number>();

  constructor(
    private readonly ttlMs = 15 * 60_000,
    private readonly maxEntries = 10_000,
  ) {}

  get size(): number {
    return this.seen.size;
  }

  remember(batch: RowBatch, kinds: ReadonlySet<RowKind>): void {
    for (const kind of kinds) {
      const rows = batch[kind];
      if (rows.length === 0) continue;
      if (this.seen.size >= this.maxEntries) {
        const oldest = this.seen.keys().next().value;
        if (oldest !== undefined) this.seen.delete(oldest);
      }
      this.seen.set(fingerprint(kind, rows), Date.now() + this.ttlMs);
    }
  }

  /** The batch without the parts already stored (each remembered part is skipped once). */
  withoutStored(batch: RowBatch): RowBatch {
    if (this.seen.size === 0) return batch;
    const now = Date.now();
    for (const [fp, expires] of this.seen) if (expires < now) this.seen.delete(fp);
    let out = batch;
    for (const kind of ROW_KINDS) {
      const rows = batch[kind];
      if (rows.length === 0) continue;
      const fp = fingerprint(kind, rows);
      if (!this.seen.delete(fp)) continue;
      out = { ...out, [kind]: [] };
    }
    return out;
  }
}
