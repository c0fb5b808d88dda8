import { randomUUID } from 'node:crypto';
import { batchSize, type RowBatch, type RowKind } from '@sightline/model/rows';
import { SightlineError } from '@sightline/model/errors';
import { overflows, type BatchPolicy } from './batch-policy.ts';
import { insertBatch, mergeBatches, type InsertTable } from './sink.ts';
import { StoredParts } from './stored-parts.ts';

export interface GroupCommitOptions {
  /** Stores one table's rows of a merged batch; the token is the same for every retry of them. */
  readonly insert: InsertTable;
  /**
   * Rows per insert at most (a single larger request still goes alone), and how long to wait for
   * more requests before a flush when the store is idle (0: flush at once).
   */
  readonly batch: BatchPolicy;
  /** Rows waiting or being stored at most; beyond it requests are refused with 429. */
  readonly maxQueuedRows: number;
  /** Attempts per batch before its requests get 503 (retries reuse the deduplication token). */
  readonly insertAttempts: number;
  readonly retryBackoffMs: number;
  /** After a failed batch, refuse new requests this long so clients back off (Retry-After). */
  readonly unavailableMs: number;
  readonly onError?: (err: unknown, rows: number) => void;
  /**
   * Whether an insert error means the store refused the rows themselves (unparseable data), not
   * that it is unavailable. Then each request of the batch is stored alone, so one bad request
   * gets a 400 and the others are stored, instead of all of them being refused.
   */
  readonly isDataError?: (err: unknown) => boolean;
}

interface Pending {
  readonly batch: RowBatch;
  readonly rows: number;
  resolve(): void;
  reject(err: unknown): void;
}

export interface GroupCommitStats {
  queuedRows: number;
  insertedRows: number;
  inserts: number;
  failedInserts: number;
  refusedRequests: number;
}

/**
 * Acknowledge-after-store with group commit: every request waits until its rows are stored, and
 * the requests that arrive while one insert runs are stored together by the next. Throughput then
 * follows the store, not a timer.
 */
export class GroupCommitWriter {
  private readonly queue: Pending[] = [];
  private queuedRows = 0;
  private flushing: Promise<void> | null = null;
  private lingerTimer: NodeJS.Timeout | null = null;
  private unavailableUntil = 0;
  private closed = false;
  private readonly instance = randomUUID().slice(0, 8);
  private seq = 0;
  private readonly storedParts = new StoredParts();
  readonly stats: GroupCommitStats = {
    queuedRows: 0,
    insertedRows: 0,
    inserts: 0,
    failedInserts: 0,
    refusedRequests: 0,
  };

  constructor(private readonly opts: GroupCommitOptions) {}

  /** Resolves once the rows are stored; rejects with a 429/503 SightlineError otherwise. */
  submit(request: RowBatch): Promise<void> {
    const batch = this.storedParts.withoutStored(request);
    const rows = batchSize(batch);
    if (rows === 0) return Promise.resolve();
    if (this.closed) {
      return this.refuse(
        new SightlineError('SL_ERR_SHUTTING_DOWN', 503, 'Sightline is shutting down', 5),
      );
    }
    const wait = Math.ceil((this.unavailableUntil - Date.now()) / 1000);
    if (wait > 0) {
      return this.refuse(
        new SightlineError(
          'SL_ERR_STORE_UNAVAILABLE',
          503,
          'the store is unavailable; retry later',
          wait,
        ),
      );
    }
    if (this.queuedRows > 0 && this.queuedRows + rows > this.opts.maxQueuedRows) {
      return this.refuse(
        new SightlineError('SL_ERR_QUEUE_FULL', 429, 'the ingest queue is full; retry later', 1),
      );
    }
    return new Promise<void>((resolve, reject) => {
      this.queue.push({ batch, rows, resolve, reject });
      this.queuedRows += rows;
      this.stats.queuedRows = this.queuedRows;
      this.schedule();
    });
  }

  /** Stops accepting and resolves once everything accepted has been stored or refused. */
  async drain(): Promise<void> {
    this.closed = true;
    if (this.lingerTimer) {
      clearTimeout(this.lingerTimer);
      this.lingerTimer = null;
      this.startFlush();
    }
    while (this.flushing) await this.flushing;
  }

  private refuse(err: SightlineError): Promise<void> {
    this.stats.refusedRequests++;
    return Promise.reject(err);
  }

  private schedule(): void {
    if (this.flushing || this.lingerTimer) return;
    if (this.opts.batch.lingerMs > 0 && !this.closed) {
      this.lingerTimer = setTimeout(() => {
        this.lingerTimer = null;
        this.startFlush();
      }, this.opts.batch.lingerMs);
      return;
    }
    this.startFlush();
  }

  private startFlush(): void {
    if (this.flushing || this.queue.length === 0) return;
    this.flushing = this.flushLoop().finally(() => {
      this.flushing = null;
      // Requests that arrived during the last insert go in the next one at once.
      if (this.queue.length > 0) this.startFlush();
    });
  }

  private async flushLoop(): Promise<void> {
    while (this.queue.length > 0) {
      const taken = this.take();
      const merged = mergeBatches(taken.map((p) => p.batch));
      const rows = taken.reduce((n, p) => n + p.rows, 0);
      const token = `${this.instance}-${++this.seq}`;
      const stored = new Set<RowKind>();
      try {
        await this.insertWithRetry(merged, token, stored);
        this.stats.inserts++;
        this.stats.insertedRows += rows;
        for (const p of taken) p.resolve();
      } catch (err) {
        this.stats.failedInserts++;
        this.opts.onError?.(err, rows);
        if (this.opts.isDataError?.(err)) await this.storeEachAlone(taken, token, stored);
        else this.refuseAll(taken, stored);
      } finally {
        this.queuedRows -= rows;
        this.stats.queuedRows = this.queuedRows;
      }
    }
  }

  /** The store failed: refuse the batch and what queued behind it, and make clients back off. */
  private refuseAll(taken: Pending[], stored: ReadonlySet<RowKind>): void {
    this.unavailableUntil = Date.now() + this.opts.unavailableMs;
    const wait = Math.max(1, Math.ceil(this.opts.unavailableMs / 1000));
    const refusal = new SightlineError(
      'SL_ERR_STORE_UNAVAILABLE',
      503,
      'the store did not accept the data; retry later',
      wait,
    );
    if (stored.size > 0) for (const p of taken) this.storedParts.remember(p.batch, stored);
    for (const p of taken) p.reject(refusal);
    // What queued behind a failed insert would meet the same store: refuse it now too.
    for (const p of this.queue.splice(0)) {
      this.queuedRows -= p.rows;
      p.reject(refusal);
    }
  }

  /**
   * The store refused the merged batch's data: store each request on its own (tables already
   * stored for the batch are skipped), so only the request whose rows are refused fails, with 400.
   */
  private async storeEachAlone(
    taken: Pending[],
    token: string,
    storedForBatch: ReadonlySet<RowKind>,
  ): Promise<void> {
    for (const [i, p] of taken.entries()) {
      const stored = new Set(storedForBatch);
      try {
        await this.insertWithRetry(p.batch, `${token}-${i}`, stored);
        this.stats.inserts++;
        this.stats.insertedRows += p.rows;
        p.resolve();
      } catch (err) {
        if (stored.size > 0) this.storedParts.remember(p.batch, stored);
        if (this.opts.isDataError?.(err)) {
          const why = (err as Error).message.split('\n', 1)[0]?.slice(0, 300) ?? '';
          p.reject(
            new SightlineError('SL_ERR_BAD_REQUEST', 400, `the store refused this data: ${why}`),
          );
        } else {
          this.opts.onError?.(err, p.rows);
          p.reject(
            new SightlineError(
              'SL_ERR_STORE_UNAVAILABLE',
              503,
              'the store did not accept the data; retry later',
              Math.max(1, Math.ceil(this.opts.unavailableMs / 1000)),
            ),
          );
        }
      }
    }
  }

  private take(): Pending[] {
    const taken: Pending[] = [];
    let rows = 0;
    while (this.queue.length > 0) {
      const next = this.queue[0]!;
      // Requests in process are counted by rows only: their wire size is not kept.
      const over = overflows(this.opts.batch, { rows, bytes: 0 }, { rows: next.rows, bytes: 0 });
      if (taken.length > 0 && over) break;
      taken.push(this.queue.shift()!);
      rows += next.rows;
    }
    return taken;
  }

  /** Inserts table by table; a retry skips the tables already stored (recorded in `stored`). */
  private async insertWithRetry(
    batch: RowBatch,
    token: string,
    stored: Set<RowKind>,
  ): Promise<void> {
    for (let attempt = 1; ; attempt++) {
      try {
        return await insertBatch(this.opts.insert, batch, token, stored);
      } catch (err) {
        // Refused data stays refused: no point in sending it again.
        if (attempt >= this.opts.insertAttempts || this.opts.isDataError?.(err)) throw err;
        await new Promise((r) => setTimeout(r, this.opts.retryBackoffMs * attempt));
      }
    }
  }
}
