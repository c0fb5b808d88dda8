import type { ClickHouseClient } from '@clickhouse/client';
import type { LogRecord } from '@sightline/model/api/logs';
import type { LogsFilter } from './logs-filter.ts';
import {
  logsTable,
  positionOf,
  RECORD_COLUMNS,
  ROW_KEY,
  selectRows,
  toLogRecord,
  type RecordRow,
} from './logs-row.ts';

/**
 * Which rows a live tail has already sent. The store keeps no ingestion time, and rows arrive
 * with timestamps slightly in the past (batching SDKs, clock skew), so each poll looks back a
 * window from now and skips the rows whose key it has seen. Rows that arrive more than the
 * lookback late are not sent. Exact copies (same ROW_KEY) are sent once.
 */
export class TailWindow {
  private readonly seen = new Map<bigint, bigint>(); // key → timestamp, ns
  /** Rows below this are ignored: set when the seen set had to be trimmed. */
  private floorNs = 0n;

  constructor(
    private readonly lookbackNs: bigint,
    private readonly maxSeen: number,
  ) {}

  /** The oldest timestamp a poll at `nowNs` reads. */
  lowerBound(nowNs: bigint): bigint {
    const low = nowNs - this.lookbackNs;
    return low > this.floorNs ? low : this.floorNs;
  }

  has(key: bigint): boolean {
    return this.seen.has(key);
  }

  /** Keys to exclude in the next query. */
  keys(): bigint[] {
    return [...this.seen.keys()];
  }

  get size(): number {
    return this.seen.size;
  }

  add(ts: bigint, key: bigint): void {
    this.seen.set(key, ts);
  }

  /** Ignore everything at or before `ts` from now on (the seen set no longer covers it). */
  raiseFloor(ts: bigint): void {
    if (ts + 1n > this.floorNs) this.floorNs = ts + 1n;
  }

  /**
   * Forgets keys that fell out of the window; past `maxSeen`, forgets the oldest whole
   * timestamps and raises the floor over them, so a forgotten row is never sent again.
   */
  prune(nowNs: bigint): void {
    const low = this.lowerBound(nowNs);
    for (const [key, ts] of this.seen) if (ts < low) this.seen.delete(key);
    if (this.seen.size <= this.maxSeen) return;
    const byAge = [...this.seen].sort((a, b) => (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0));
    let cut = byAge.length - this.maxSeen; // drop byAge[0 .. cut)
    const edge = byAge[cut - 1]![1];
    while (cut < byAge.length && byAge[cut]![1] === edge) cut++;
    for (let i = 0; i < cut; i++) this.seen.delete(byAge[i]![0]);
    this.raiseFloor(edge);
  }
}

export interface LogTailOptions {
  readonly client: ClickHouseClient;
  readonly database: string;
  /** The search, without a time range. */
  readonly filter: LogsFilter;
  /** Rows per `onRows` call at most. */
  readonly batchLimit: number;
  readonly pollMs: number;
  readonly lookbackMs: number;
  /** Bounds the keys sent with each poll (the query's size). */
  readonly maxSeen: number;
  /** Called once the rows already stored are known; rows stored after it are sent. */
  readonly onReady: () => void;
  /** New rows, oldest first; the next poll waits for the returned promise (backpressure). */
  readonly onRows: (rows: LogRecord[]) => Promise<void>;
  /** The tail stops after an error. */
  readonly onError: (err: unknown) => void;
  readonly nowMs?: () => number;
}

const stats = { open: 0, polls: 0 };

/** Tails polling right now, and store queries made by tails since start: for tests and metrics. */
export const logTailStats = (): { readonly open: number; readonly polls: number } => ({
  ...stats,
});

/** Polls the store for new matching rows until stopped. One query in flight at a time. */
export class LogTail {
  private readonly window: TailWindow;
  private timer: NodeJS.Timeout | undefined;
  private readonly abort = new AbortController();
  private stopped = false;

  constructor(private readonly opts: LogTailOptions) {
    this.window = new TailWindow(BigInt(opts.lookbackMs) * 1_000_000n, opts.maxSeen);
  }

  start(): void {
    stats.open++;
    void this.run(true);
  }

  /** Idempotent. Clears the timer and aborts a query in flight; no callback runs after it. */
  stop(): void {
    if (this.stopped) return;
    this.stopped = true;
    stats.open--;
    clearTimeout(this.timer);
    this.abort.abort();
  }

  private nowNs(): bigint {
    return BigInt(Math.floor((this.opts.nowMs ?? Date.now)())) * 1_000_000n;
  }

  private async run(priming: boolean): Promise<void> {
    let full = false;
    try {
      if (priming) {
        await this.prime();
        if (this.stopped) return;
        this.opts.onReady();
      } else {
        const batch = await this.poll();
        if (this.stopped) return;
        full = batch.full;
        if (batch.rows.length > 0) await this.opts.onRows(batch.rows);
      }
    } catch (err) {
      if (this.stopped) return;
      this.stop();
      this.opts.onError(err);
      return;
    }
    if (this.stopped) return;
    // A full batch means more are waiting: fetch them now rather than fall behind.
    this.timer = setTimeout(() => void this.run(false), full ? 0 : this.opts.pollMs);
  }

  /** Rows already in the window count as seen: a tail shows what is stored after it opened. */
  private async prime(): Promise<void> {
    const nowNs = this.nowNs();
    const rows = await this.query<{ ts: string; rowKey: string }>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts, ${ROW_KEY} AS rowKey
       FROM ${logsTable(this.opts.database)} WHERE ${this.windowSql()}
       ORDER BY Timestamp DESC, rowKey DESC LIMIT {tailLimit:UInt32}`,
      nowNs,
      this.opts.maxSeen + 1,
      [],
    );
    const positions = rows.map(positionOf);
    const overflow = positions[this.opts.maxSeen];
    for (const p of positions.slice(0, this.opts.maxSeen)) {
      if (!overflow || p.ts > overflow.ts) this.window.add(p.ts, p.key);
    }
    if (overflow) this.window.raiseFloor(overflow.ts);
  }

  private async poll(): Promise<{ rows: LogRecord[]; full: boolean }> {
    const nowNs = this.nowNs();
    this.window.prune(nowNs);
    const rows = await this.query<RecordRow>(
      `SELECT ${RECORD_COLUMNS} FROM ${logsTable(this.opts.database)}
       WHERE ${this.windowSql()} AND rowKey NOT IN {tailSeen:Array(UInt64)}
       ORDER BY Timestamp ASC, rowKey ASC LIMIT {tailLimit:UInt32}`,
      nowNs,
      this.opts.batchLimit,
      this.window.keys(),
    );
    const fresh = rows.filter((r) => !this.window.has(BigInt(r.rowKey)));
    for (const r of fresh) this.window.add(BigInt(r.ts), BigInt(r.rowKey));
    return { rows: fresh.map(toLogRecord), full: rows.length === this.opts.batchLimit };
  }

  private windowSql(): string {
    return `(${this.opts.filter.sql})
      AND Timestamp >= fromUnixTimestamp64Nano({tailFromNs:Int64})
      AND TimestampTime >= toDateTime({tailFromS:UInt32})`;
  }

  private query<T>(sql: string, nowNs: bigint, limit: number, seen: bigint[]): Promise<T[]> {
    stats.polls++;
    const low = this.window.lowerBound(nowNs);
    return selectRows<T>(
      this.opts.client,
      sql,
      {
        ...this.opts.filter.params,
        tailFromNs: low.toString(),
        tailFromS: (low / 1_000_000_000n).toString(),
        tailLimit: limit,
        tailSeen: seen,
      },
      this.abort.signal,
    );
  }
}
