import { setTimeout as sleep } from 'node:timers/promises';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { emptyBatch, ROW_KINDS, type RowBatch } from '@sightline/model/rows';
import { insertRows } from '@sightline/store/insert';
import type { Signal } from '../otlp/proto.ts';
import { DEFAULT_LIMITS, type MapLimits } from '../otlp/values.ts';
import { PartitionBatcher, type BatchCut, type OffsetRange } from './batch-plan.ts';
import {
  ensureBatchRecordsTable,
  loadBatchRecords,
  recordBatch,
  type BatchSource,
} from './batch-records.ts';
import { decodeMessage } from './decode-message.ts';
import { DEFAULT_DEAD_LETTER_TOPIC, resolveTopics, type KafkaTopics } from './topics.ts';

export interface IngestConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics?: Partial<KafkaTopics>;
  readonly deadLetterTopic?: string;
  /** The writer client (async_insert off) and the database holding the tables. */
  readonly store: { readonly client: ClickHouseClient; readonly database: string };
  readonly limits?: MapLimits;
  /** A batch is stored once it holds this many rows (default 20 000)… */
  readonly maxBatchRows?: number;
  /** …or this many message bytes (default 16 MiB)… */
  readonly maxBatchBytes?: number;
  /** …or its first message waited this long (default 1000 ms). */
  readonly maxBatchWaitMs?: number;
  /** First wait after a failed insert; doubles up to maxRetryBackoffMs (defaults 200, 5000 ms). */
  readonly retryBackoffMs?: number;
  readonly maxRetryBackoffMs?: number;
  /** Extra kafkajs consumer settings (sessionTimeout, partitionAssigners, maxWaitTimeInMs…). */
  readonly consumer?: Omit<ConsumerConfig, 'groupId'>;
  /** Partitions processed at once (default 2). */
  readonly partitionsConsumedConcurrently?: number;
  /** Where a new group starts: the oldest message (default) or only new ones. */
  readonly fromBeginning?: boolean;
  readonly onError?: (err: unknown, what: string) => void;
  /** Runs after a batch was stored and before its offset is committed (tests inject crashes). */
  readonly afterInsert?: (batch: StoredBatch) => Promise<void> | void;
}

export interface StoredBatch extends OffsetRange {
  readonly topic: string;
  readonly partition: number;
  readonly rows: number;
}

export interface IngestConsumerStats {
  messages: number;
  rowsInserted: number;
  rowsRejected: number;
  batches: number;
  /** Batches re-formed from their records after a crash or rebalance. */
  replayedBatches: number;
  insertErrors: number;
  deadLettered: number;
  commitErrors: number;
}

export interface PartitionLag {
  readonly topic: string;
  readonly partition: number;
  /** Kafka's high watermark − our committed offset, as last seen by this member. */
  readonly lag: number;
}

/** Dead-letter headers: why, and where the message came from. */
export const DEAD_LETTER_HEADERS = {
  reason: 'sightline-dead-letter-reason',
  topic: 'sightline-source-topic',
  partition: 'sightline-source-partition',
  offset: 'sightline-source-offset',
} as const;

interface Item {
  readonly offset: number;
  readonly rows: number;
  readonly bytes: number;
  readonly batch: RowBatch | null;
  readonly poison: { key: Buffer | null; value: Buffer | null; reason: string } | null;
}

/** One partition as assigned in one group generation; a rebalance replaces it. */
interface PartitionState {
  readonly source: BatchSource;
  batcher: PartitionBatcher<Item> | null;
  chain: Promise<void>;
  busy: boolean;
  /** Work enqueued on `chain` and not finished. */
  queued: number;
  /** Paused in kafkajs while a store step fails. */
  paused: boolean;
  revoked: boolean;
}

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Distributed mode's ingest: a consumer group over the three OTLP topics that maps each message
 * with the receive path's mappers, batches per partition, stores every batch under a token made of
 * its topic/partition/offsets, and commits the offset only once the store acknowledged.
 *
 * Batches are recorded (batch-records.ts) before they are inserted; when a partition is assigned,
 * its records newer than the committed offset are loaded and the replay is cut the same way, so a
 * re-sent batch carries its earlier token and ClickHouse drops it. Store failures pause the
 * partition and retry the same batch, forever; undecodable messages go to the dead-letter topic.
 */
export class IngestConsumer {
  private readonly topics: KafkaTopics;
  private readonly signals = new Map<string, Signal>();
  private readonly deadLetterTopic: string;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly partitions = new Map<string, PartitionState>();
  private readonly watermarks = new Map<string, { high: number; committed: number }>();
  private readonly limits: MapLimits;
  private readonly maxRows: number;
  private readonly maxBytes: number;
  private readonly maxWaitMs: number;
  private timer: NodeJS.Timeout | null = null;
  private stopping = false;
  private aborted = false;
  private running = false;
  readonly stats: IngestConsumerStats = {
    messages: 0,
    rowsInserted: 0,
    rowsRejected: 0,
    batches: 0,
    replayedBatches: 0,
    insertErrors: 0,
    deadLettered: 0,
    commitErrors: 0,
  };

  constructor(private readonly opts: IngestConsumerOptions) {
    this.topics = resolveTopics(opts.topics);
    for (const [signal, topic] of Object.entries(this.topics)) {
      this.signals.set(topic, signal as Signal);
    }
    this.deadLetterTopic = opts.deadLetterTopic ?? DEFAULT_DEAD_LETTER_TOPIC;
    this.limits = opts.limits ?? DEFAULT_LIMITS;
    this.maxRows = positive('maxBatchRows', opts.maxBatchRows ?? 20_000);
    this.maxBytes = positive('maxBatchBytes', opts.maxBatchBytes ?? 16 * 1024 * 1024);
    this.maxWaitMs = positive('maxBatchWaitMs', opts.maxBatchWaitMs ?? 1_000);
    this.consumer = opts.kafka.consumer({ ...opts.consumer, groupId: opts.groupId });
    this.producer = opts.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.admin = opts.kafka.admin();
    const { REBALANCING, GROUP_JOIN } = this.consumer.events;
    // Once a rebalance starts the partitions may go to another member: record no new batches.
    this.consumer.on(REBALANCING, () => this.revokeAll());
    this.consumer.on(GROUP_JOIN, () => this.revokeAll());
    // kafkajs restarts the consumer after a retriable crash; any other crash ends consumption.
    this.consumer.on(this.consumer.events.CRASH, (e) => {
      if (!e.payload.restart) this.running = false;
    });
  }

  /** True from start() until stop(), abort() or a crash kafkajs does not recover from. */
  isConnected(): boolean {
    return this.running && !this.stopping;
  }

  /** Creates the batch-records table, connects and starts consuming. */
  async start(): Promise<void> {
    await ensureBatchRecordsTable(this.opts.store.client, this.opts.store.database);
    await this.producer.connect();
    await this.admin.connect();
    await this.consumer.connect();
    await this.consumer.subscribe({
      topics: Object.values(this.topics),
      fromBeginning: this.opts.fromBeginning ?? true,
    });
    await this.consumer.run({
      autoCommit: false,
      eachBatchAutoResolve: false,
      partitionsConsumedConcurrently: this.opts.partitionsConsumedConcurrently ?? 2,
      eachBatch: (payload) => this.onBatch(payload),
    });
    this.running = true;
    const tick = Math.max(20, Math.min(250, Math.floor(this.maxWaitMs / 4)));
    this.timer = setInterval(() => this.flushAged(), tick);
    this.timer.unref();
  }

  /**
   * Stores and commits what was read (except a partly re-read recorded batch), then leaves. A
   * store that stays down longer than `timeoutMs` is given up on: the rest is replayed later.
   */
  async stop(timeoutMs = 30_000): Promise<void> {
    if (this.stopping) return;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    const giveUp = setTimeout(() => {
      this.aborted = true;
    }, timeoutMs);
    const states = [...this.partitions.values()];
    await Promise.all(
      states.map((s) =>
        this.inPartition(s, async () => {
          const cut = s.batcher?.takeFresh();
          if (cut) await this.store(s, cut);
        }),
      ),
    );
    clearTimeout(giveUp);
    await this.consumer.disconnect();
    await this.producer.disconnect();
    await this.admin.disconnect();
  }

  /** Leaves at once, storing and committing nothing more: what a crash looks like to Kafka. */
  async abort(): Promise<void> {
    this.aborted = true;
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    this.revokeAll();
    await Promise.allSettled([
      this.consumer.disconnect(),
      this.producer.disconnect(),
      this.admin.disconnect(),
    ]);
  }

  /** Messages not yet committed, per partition this member has read. */
  lag(): PartitionLag[] {
    return [...this.watermarks.entries()].map(([k, w]) => {
      const [topic = '', partition = '0'] = k.split('\u0000');
      return { topic, partition: Number(partition), lag: Math.max(0, w.high - w.committed) };
    });
  }

  /**
   * The whole group's lag from Kafka itself (admin API): every partition's high watermark minus
   * the group's committed offset (or minus the log start, before anything was committed). Unlike
   * lag(), it sees messages this member has not fetched yet and partitions other members hold.
   */
  async groupLag(): Promise<PartitionLag[]> {
    const topics = Object.values(this.topics);
    const committed = await this.admin.fetchOffsets({ groupId: this.opts.groupId, topics });
    const out: PartitionLag[] = [];
    for (const t of committed) {
      const ends = new Map(
        (await this.admin.fetchTopicOffsets(t.topic)).map((o) => [o.partition, o]),
      );
      for (const p of t.partitions) {
        const end = ends.get(p.partition);
        if (!end) continue;
        const at = Number(p.offset);
        const from = at >= 0 ? at : Number(end.low);
        out.push({
          topic: t.topic,
          partition: p.partition,
          lag: Math.max(0, Number(end.high) - from),
        });
      }
    }
    return out;
  }

  private revokeAll(): void {
    for (const s of this.partitions.values()) {
      s.revoked = true;
      // The next generation reads from the committed offset; a pause would outlive it.
      if (s.paused && !this.stopping) this.consumer.resume([this.tp(s)]);
      s.paused = false;
    }
    this.partitions.clear();
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.stopping || batch.messages.length === 0) return;
    const signal = this.signals.get(batch.topic);
    if (!signal) return;
    const k = keyOf(batch.topic, batch.partition);
    let state = this.partitions.get(k);
    if (!state) {
      state = {
        source: { groupId: this.opts.groupId, topic: batch.topic, partition: batch.partition },
        batcher: null,
        chain: Promise.resolve(),
        busy: false,
        queued: 0,
        paused: false,
        revoked: false,
      };
      this.partitions.set(k, state);
    }
    const s = state;
    const high = Number(batch.highWatermark);
    const first = Number(batch.messages[0]!.offset);
    const w = this.watermarks.get(k);
    if (w) w.high = high;
    else this.watermarks.set(k, { high, committed: first });

    await this.inPartition(
      s,
      async () => {
        if (!s.batcher) {
          // The first batch after an assignment starts at the committed offset: replay the
          // recorded batches from there exactly as they were.
          const plan = await this.retry(s, 'loading batch records', () =>
            loadBatchRecords(this.opts.store.client, this.opts.store.database, s.source, first),
          );
          if (!plan) return;
          s.batcher = new PartitionBatcher<Item>(
            { maxRows: this.maxRows, maxBytes: this.maxBytes },
            plan.value,
          );
        }
        for (const m of batch.messages) {
          if (s.revoked || !payload.isRunning() || payload.isStale()) return;
          const offset = Number(m.offset);
          const bytes = m.value?.length ?? 0;
          const decoded = decodeMessage(signal, m.value, this.limits);
          this.stats.messages++;
          const item: Item = decoded.ok
            ? { offset, rows: decoded.count, bytes, batch: decoded.rows, poison: null }
            : {
                offset,
                rows: 0,
                bytes,
                batch: null,
                poison: { key: m.key, value: m.value, reason: decoded.reason },
              };
          if (decoded.ok) this.stats.rowsRejected += decoded.rejected;
          for (const cut of s.batcher.push(item)) await this.store(s, cut);
          // Fetching moves on; the commit waits for the store.
          payload.resolveOffset(m.offset);
        }
      },
      () => payload.heartbeat(),
    );
  }

  private flushAged(): void {
    for (const s of this.partitions.values()) {
      if (s.busy || s.revoked || !s.batcher) continue;
      const cut = s.batcher.takeIfOlderThan(this.maxWaitMs);
      if (!cut) continue;
      this.inPartition(s, () => this.store(s, cut)).catch((err: unknown) =>
        this.opts.onError?.(err, 'storing an aged batch'),
      );
    }
  }

  /**
   * Runs `fn` after the partition's earlier work. From eachBatch (`heartbeat` given) it heartbeats
   * while waiting, and stops waiting once the partition is paused for a failing store: the work
   * goes on in the background, and kafkajs serves the other partitions meanwhile.
   */
  private async inPartition(
    s: PartitionState,
    fn: () => Promise<void>,
    heartbeat?: () => Promise<void>,
  ): Promise<void> {
    s.queued++;
    const run = s.chain.then(async () => {
      s.busy = true;
      try {
        await fn();
      } finally {
        s.busy = false;
        // Fetching resumes only once nothing read is waiting, so no message is read twice.
        if (--s.queued === 0 && s.paused) {
          s.paused = false;
          if (!this.stopping && !s.revoked) this.consumer.resume([this.tp(s)]);
        }
      }
    });
    s.chain = run.catch(() => {});
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
      if (s.paused) {
        run.catch((err: unknown) => this.opts.onError?.(err, 'storing in the background'));
        return;
      }
      if (Date.now() - lastBeat < 1_000) continue;
      lastBeat = Date.now();
      try {
        await heartbeat();
      } catch (err) {
        // A rebalance: the partition may be another member's now; kafkajs rejoins.
        s.revoked = true;
        throw err;
      }
    }
    await run;
  }

  private tp(s: PartitionState): { topic: string; partitions: number[] } {
    return { topic: s.source.topic, partitions: [s.source.partition] };
  }

  /** Record, dead-letter, insert, commit; every step retried until it works or we lose the partition. */
  private async store(s: PartitionState, cut: BatchCut<Item>): Promise<void> {
    const { topic, partition } = s.source;
    const { client, database } = this.opts.store;
    if (!cut.replayed) {
      const ok = await this.retry(s, 'recording a batch', () =>
        recordBatch(client, database, s.source, cut),
      );
      if (!ok) return;
    }
    const poison = cut.items.filter((i) => i.poison !== null);
    if (poison.length > 0) {
      const ok = await this.retry(s, 'dead-lettering', () => this.deadLetter(s, poison));
      if (!ok) return;
    }
    const rows = emptyBatch();
    let count = 0;
    for (const i of cut.items) {
      if (!i.batch) continue;
      for (const kind of ROW_KINDS) {
        const into = rows[kind] as unknown[];
        for (const r of i.batch[kind]) into.push(r);
      }
      count += i.rows;
    }
    const token = `kafka:${topic}:${partition}:${cut.first}-${cut.last}`;
    const stored: StoredBatch = { topic, partition, first: cut.first, last: cut.last, rows: count };
    const ok = await this.retry(s, 'inserting a batch', async () => {
      for (const kind of ROW_KINDS) {
        // Every retry re-sends every table: the token makes ClickHouse drop what it already has.
        if (rows[kind].length > 0) {
          await insertRows(client, database, kind, rows[kind], `${token}:${kind}`);
        }
      }
      await this.opts.afterInsert?.(stored);
    });
    if (!ok) return;
    this.stats.rowsInserted += count;
    this.stats.batches++;
    if (cut.replayed) this.stats.replayedBatches++;
    this.stats.deadLettered += poison.length;
    try {
      await this.consumer.commitOffsets([{ topic, partition, offset: String(cut.last + 1) }]);
      const w = this.watermarks.get(keyOf(topic, partition));
      if (w) w.committed = Math.max(w.committed, cut.last + 1);
    } catch (err) {
      // Refused during a rebalance: whoever gets the partition replays the batch under its token.
      this.stats.commitErrors++;
      s.revoked = true;
      this.opts.onError?.(err, 'committing offsets');
    }
  }

  private async deadLetter(s: PartitionState, items: Item[]): Promise<void> {
    await this.producer.send({
      topic: this.deadLetterTopic,
      acks: -1,
      messages: items.map((i) => ({
        key: i.poison!.key,
        value: i.poison!.value,
        headers: {
          [DEAD_LETTER_HEADERS.reason]: i.poison!.reason,
          [DEAD_LETTER_HEADERS.topic]: s.source.topic,
          [DEAD_LETTER_HEADERS.partition]: String(s.source.partition),
          [DEAD_LETTER_HEADERS.offset]: String(i.offset),
        },
      })),
    });
  }

  /**
   * Retries `fn` with exponential backoff, pausing the partition meanwhile; null once the
   * partition is no longer ours (revoked, or the consumer aborted) — never skips the work.
   */
  private async retry<T>(
    s: PartitionState,
    what: string,
    fn: () => Promise<T>,
  ): Promise<{ value: T } | null> {
    let backoff = this.opts.retryBackoffMs ?? 200;
    const max = this.opts.maxRetryBackoffMs ?? 5_000;
    for (;;) {
      if (s.revoked || this.aborted) return null;
      try {
        return { value: await fn() };
      } catch (err) {
        if (what === 'inserting a batch') this.stats.insertErrors++;
        this.opts.onError?.(err, what);
        // Resumed by inPartition once the partition's queued work is done.
        if (!s.paused && !this.stopping) {
          this.consumer.pause([this.tp(s)]);
          s.paused = true;
        }
        await sleep(backoff);
        backoff = Math.min(max, backoff * 2);
      }
    }
  }
}

function positive(name: string, v: number): number {
  if (!(Number.isFinite(v) && v > 0))
    throw new Error(`${name} must be a positive number, got ${v}`);
  return v;
}
