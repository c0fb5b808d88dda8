import { setTimeout as sleep } from 'node:timers/promises';
import type { Consumer } from 'kafkajs';
import type { Item } from './batch-items.ts';
import type { PartitionBatcher } from './batch-plan.ts';
import type { BatchSource } from '@sightline/store/batch-records';

/** What a lane needs from the consumer that owns it. */
export interface LaneHost {
  readonly consumer: Pick<Consumer, 'pause' | 'resume'>;
  /** stop() or abort() began: fetching is no longer paused or resumed. */
  readonly isStopping: () => boolean;
  /** abort(), or a stop that ran out of time: retries give up. */
  readonly isAborted: () => boolean;
  readonly onError: (err: unknown, what: string) => void;
  /** First wait after a failure, and the most it doubles to. */
  readonly retryBackoffMs: number;
  readonly maxRetryBackoffMs: number;
}

/**
 * One partition as assigned in one group generation (a rebalance replaces it): its batcher, and
 * the chain that runs its work one step at a time, in offset order. A failing step pauses the
 * partition's fetching until the work queued behind it is done.
 */
export class PartitionLane {
  /** Made once the recorded batches from the committed offset on are loaded. */
  batcher: PartitionBatcher<Item> | null = null;
  /** A step is running. */
  busy = false;
  /** Paused in kafkajs while a store step fails. */
  paused = false;
  /** No longer ours: work stops, and nothing more is recorded or committed. */
  revoked = false;
  private chain: Promise<void> = Promise.resolve();
  /** Work enqueued on `chain` and not finished. */
  private queued = 0;

  constructor(
    readonly source: BatchSource,
    private readonly host: LaneHost,
  ) {}

  private get tp(): { topic: string; partitions: number[] } {
    return { topic: this.source.topic, partitions: [this.source.partition] };
  }

  /** The group is rebalancing: the next generation reads from the committed offset. */
  revoke(): void {
    this.revoked = true;
    // A pause would outlive this generation.
    if (this.paused && !this.host.isStopping()) this.host.consumer.resume([this.tp]);
    this.paused = false;
  }

  /**
   * Runs `fn` after the partition's earlier work. From eachBatch (`heartbeat` given) it heartbeats
   * while waiting, and stops waiting once the partition is paused for a failing store: the work
   * goes on in the background, and kafkajs serves the other partitions meanwhile.
   */
  async run(fn: () => Promise<void>, heartbeat?: () => Promise<void>): Promise<void> {
    this.queued++;
    const run = this.chain.then(async () => {
      this.busy = true;
      try {
        await fn();
      } finally {
        this.busy = false;
        // Fetching resumes only once nothing read is waiting, so no message is read twice.
        if (--this.queued === 0 && this.paused) {
          this.paused = false;
          if (!this.host.isStopping() && !this.revoked) this.host.consumer.resume([this.tp]);
        }
      }
    });
    this.chain = run.catch(() => {});
    if (!heartbeat) return run;
    let settled = false;
    void run.then(
      () => (settled = true),
      () => (settled = true),
    );
    let lastBeat = Date.now();
    while (!settled) {
      await Promise.race([run, sleep(100)]);
      if (settled) break;
      if (this.paused) {
        run.catch((err: unknown) => this.host.onError(err, 'storing in the background'));
        return;
      }
      if (Date.now() - lastBeat < 1_000) continue;
      lastBeat = Date.now();
      try {
        await heartbeat();
      } catch (err) {
        // A rebalance: the partition may be another member's now; kafkajs rejoins.
        this.revoked = true;
        throw err;
      }
    }
    await run;
  }

  /**
   * Retries `fn` with exponential backoff, pausing the partition meanwhile; null once the
   * partition is no longer ours (revoked, or the consumer aborted) — never skips the work.
   */
  async retry<T>(what: string, fn: () => Promise<T>): Promise<{ value: T } | null> {
    let backoff = this.host.retryBackoffMs;
    const max = this.host.maxRetryBackoffMs;
    for (;;) {
      if (this.revoked || this.host.isAborted()) return null;
      try {
        return { value: await fn() };
      } catch (err) {
        this.host.onError(err, what);
        // Resumed by run() once the partition's queued work is done.
        if (!this.paused && !this.host.isStopping()) {
          this.host.consumer.pause([this.tp]);
          this.paused = true;
        }
        await sleep(backoff);
        backoff = Math.min(max, backoff * 2);
      }
    }
  }
}
