import { qualified } from '../schema/ddl-context.ts';
import { ALERT_LEASE_TABLE } from '../schema/alerts.ts';
import type { StoreTarget } from './target.ts';

/*
 * Exactly one evaluator at a time, across processes sharing a ClickHouse server, with nothing but
 * inserts and reads (ClickHouse has no compare-and-set):
 * - A lease is a numbered epoch. Claiming epoch e+1 inserts a row (name, e+1, holder, expiry);
 *   when several claim the same epoch, the row the server stored first (inserted_at, the server's
 *   clock, holder id as tie-break) wins, and every reader agrees on it.
 * - The winner renews by inserting more rows for its epoch; expiry is the latest of its rows, set
 *   by the server's clock (now64 + ttl), so evaluators' clocks do not matter.
 * - A claim is acted on only from the next tick, after re-reading that it still wins: a rival's
 *   claim stamped earlier but committed later (a slow insert) shows up by then.
 * - A holder that dies stops renewing; once its expiry passes, another claims the next epoch.
 *   Stopping cleanly claims a vacant epoch (holder '') that has already expired, so a successor
 *   takes over at its next tick.
 * - Fencing: before anything leaves (state writes, notifications) the holder re-reads the lease;
 *   its epoch is recorded with states, history and deliveries, so a late write from a holder that
 *   lost the lease (a long pause) is refused or, at worst, identifiable.
 */

interface LeaseRow {
  epoch: string;
  holder: string;
  expires: string;
  now: string;
}

export interface LeaseView {
  readonly epoch: number;
  readonly holder: string;
  readonly expiresMs: number;
  readonly nowMs: number;
}

export class Lease {
  /** The epoch this instance holds (or has claimed and waits to confirm); 0 when none. */
  private epoch = 0;
  private held = false;

  constructor(
    private readonly target: StoreTarget,
    readonly holder: string,
    private readonly ttlMs: number,
    private readonly name = 'alert-evaluator',
  ) {}

  get currentEpoch(): number {
    return this.held ? this.epoch : 0;
  }

  /** The winner of the newest epoch, with the server's clock; null before the first claim. */
  async read(): Promise<LeaseView | null> {
    const table = qualified(this.target, ALERT_LEASE_TABLE);
    const rs = await this.target.reader.query({
      query: `SELECT epoch, holder, toUnixTimestamp64Milli(max(expires_at)) AS expires,
          toUnixTimestamp64Milli(now64(3)) AS now
        FROM ${table}
        WHERE name = {name:String}
          AND epoch = (SELECT max(epoch) FROM ${table} WHERE name = {name:String})
        GROUP BY epoch, holder
        ORDER BY min(inserted_at), holder
        LIMIT 1`,
      query_params: { name: this.name },
      format: 'JSONEachRow',
    });
    const [row] = await rs.json<LeaseRow>();
    if (!row) return null;
    return {
      epoch: Number(row.epoch),
      holder: row.holder,
      expiresMs: Number(row.expires),
      nowMs: Number(row.now),
    };
  }

  private async insert(epoch: number, holder: string, ttlMs: number): Promise<void> {
    await this.target.writer.command({
      query: `INSERT INTO ${qualified(this.target, ALERT_LEASE_TABLE)} (name, epoch, holder, expires_at)
        SELECT {name:String}, {epoch:UInt64}, {holder:String}, now64(3) + toIntervalMillisecond({ttl:Int64})`,
      query_params: { name: this.name, epoch, holder, ttl: ttlMs },
    });
  }

  /** One tick: renew what is held, claim what is free. True when this instance may evaluate now. */
  async acquireOrRenew(): Promise<boolean> {
    const cur = await this.read();
    if (cur && cur.holder === this.holder && cur.epoch === this.epoch && this.epoch > 0) {
      if (cur.expiresMs > cur.nowMs) {
        await this.insert(this.epoch, this.holder, this.ttlMs);
        this.held = true;
        return true;
      }
    }
    this.held = false;
    if (cur === null || cur.expiresMs <= cur.nowMs) {
      const epoch = (cur?.epoch ?? 0) + 1;
      await this.insert(epoch, this.holder, this.ttlMs);
      const after = await this.read();
      this.epoch = after?.holder === this.holder && after.epoch === epoch ? epoch : 0;
      return false;
    }
    this.epoch = 0;
    return false;
  }

  /** The fencing check: still the winner of our epoch, and not expired by the server's clock. */
  async stillHeld(): Promise<boolean> {
    if (!this.held) return false;
    const cur = await this.read();
    const ok =
      cur !== null &&
      cur.holder === this.holder &&
      cur.epoch === this.epoch &&
      cur.expiresMs > cur.nowMs;
    if (!ok) this.held = false;
    return ok;
  }

  /** Hands the lease over at once: a vacant, already expired epoch after ours. */
  async release(): Promise<void> {
    if (this.epoch === 0) return;
    const cur = await this.read();
    if (cur?.holder === this.holder && cur.epoch === this.epoch) {
      await this.insert(this.epoch + 1, '', -1);
    }
    this.epoch = 0;
    this.held = false;
  }
}
