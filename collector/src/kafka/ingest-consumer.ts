import type { ClickHouseClient } from '@clickhouse/client';
import type { Admin, Consumer, ConsumerConfig, EachBatchPayload, Kafka, Producer } from 'kafkajs';
import { Partitioners } from 'kafkajs';
import { directWriter, insertBatch, type InsertTable } from '../ingest/sink.ts';
import { batchPolicy, DEFAULT_BATCH_POLICY, type BatchPolicy } from '../ingest/batch-policy.ts';
import type { Signal } from '../otlp/proto.ts';
import { DEFAULT_LIMITS, type MapLimits } from '../otlp/values.ts';
import { batchToken, itemOf, mergeRows, poisonIn, type Item } from './batch-items.ts';
import { PartitionBatcher, type BatchCut, type OffsetRange } from './batch-plan.ts';
import {
  ensureBatchRecordsTable,
  loadBatchRecords,
  recordBatch,
} from '@sightline/store/batch-records';
import { MemberLag, readGroupLag, type PartitionLag } from './consumer-lag.ts';
import { sendToDeadLetter } from './dead-letter.ts';
import { PartitionLane, type LaneHost } from './partition-lane.ts';
import { DEFAULT_DEAD_LETTER_TOPIC, resolveTopics, type KafkaTopics } from './topics.ts';

export type { PartitionLag } from './consumer-lag.ts';
export { DEAD_LETTER_HEADERS } from './dead-letter.ts';

export interface IngestConsumerOptions {
  readonly kafka: Kafka;
  readonly groupId: string;
  readonly topics?: Partial<KafkaTopics>;
  readonly deadLetterTopic?: string;
  /** The writer client (async_insert off) and the database holding the tables. */
  readonly store: { readonly client: ClickHouseClient; readonly database: string };
  readonly limits?: MapLimits;
  /**
   * When a batch is stored (default 20 000 rows, 16 MiB of messages, or once its first message
   * waited 1000 ms).
   */
  readonly batch?: Partial<BatchPolicy>;
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

/** Kafka ingest acknowledges no one while it waits: a batch may wait a second to fill. */
const CONSUMER_BATCH_POLICY: BatchPolicy = { ...DEFAULT_BATCH_POLICY, lingerMs: 1_000 };

const keyOf = (topic: string, partition: number): string => `${topic}\u0000${partition}`;

/**
 * Distributed mode's ingest: a consumer group over the three OTLP topics that maps each message
 * with the receive path's mappers, batches per partition, stores every batch under a token made of
 * its topic/partition/offsets, and commits the offset only once the store acknowledged.
 *
 * Batches are recorded (the store's batch-records.ts) before they are inserted; when a partition
 * is assigned, its records newer than the committed offset are loaded and the replay is cut the
 * same way, so a re-sent batch carries its earlier token and ClickHouse drops it. Store failures
 * pause the partition and retry the same batch, forever (partition-lane.ts); undecodable messages
 * go to the dead-letter topic (dead-letter.ts).
 */
export class IngestConsumer {
  private readonly topics: KafkaTopics;
  private readonly signals = new Map<string, Signal>();
  private readonly deadLetterTopic: string;
  private readonly consumer: Consumer;
  private readonly producer: Producer;
  private readonly admin: Admin;
  private readonly lanes = new Map<string, PartitionLane>();
  private readonly laneHost: LaneHost;
  private readonly memberLag = new MemberLag();
  private readonly limits: MapLimits;
  private readonly policy: BatchPolicy;
  private readonly insert: InsertTable;
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
    this.policy = batchPolicy(opts.batch, CONSUMER_BATCH_POLICY);
    this.insert = directWriter(opts.store.client, opts.store.database);
    // The age check runs on a timer: a batch that never waits would make it spin.
    if (this.policy.lingerMs === 0) throw new Error('batch lingerMs must be > 0 for Kafka ingest');
    this.consumer = opts.kafka.consumer({ ...opts.consumer, groupId: opts.groupId });
    this.producer = opts.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
    });
    this.admin = opts.kafka.admin();
    this.laneHost = {
      consumer: this.consumer,
      isStopping: () => this.stopping,
      isAborted: () => this.aborted,
      onError: (err, what) => opts.onError?.(err, what),
      retryBackoffMs: opts.retryBackoffMs ?? 200,
      maxRetryBackoffMs: opts.maxRetryBackoffMs ?? 5_000,
    };
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
    const tick = Math.max(20, Math.min(250, Math.floor(this.policy.lingerMs / 4)));
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
    const lanes = [...this.lanes.values()];
    await Promise.all(
      lanes.map((lane) =>
        lane.run(async () => {
          const cut = lane.batcher?.takeFresh();
          if (cut) await this.store(lane, cut);
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
    return this.memberLag.lag();
  }

  /**
   * The whole group's lag from Kafka itself (admin API). Unlike lag(), it sees messages this
   * member has not fetched yet and partitions other members hold.
   */
  async groupLag(): Promise<PartitionLag[]> {
    return readGroupLag(this.admin, this.opts.groupId, Object.values(this.topics));
  }

  private revokeAll(): void {
    for (const lane of this.lanes.values()) lane.revoke();
    this.lanes.clear();
  }

  /** The partition's lane in this generation, made on its first fetched batch. */
  private laneOf(topic: string, partition: number): PartitionLane {
    const k = keyOf(topic, partition);
    let lane = this.lanes.get(k);
    if (!lane) {
      lane = new PartitionLane({ groupId: this.opts.groupId, topic, partition }, this.laneHost);
      this.lanes.set(k, lane);
    }
    return lane;
  }

  private async onBatch(payload: EachBatchPayload): Promise<void> {
    const { batch } = payload;
    if (this.stopping || batch.messages.length === 0) return;
    const signal = this.signals.get(batch.topic);
    if (!signal) return;
    const lane = this.laneOf(batch.topic, batch.partition);
    const first = Number(batch.messages[0]!.offset);
    this.memberLag.fetched(batch.topic, batch.partition, Number(batch.highWatermark), first);

    await lane.run(
      async () => {
        if (!lane.batcher) {
          // The first batch after an assignment starts at the committed offset: replay the
          // recorded batches from there exactly as they were.
          const plan = await lane.retry('loading batch records', () =>
            loadBatchRecords(this.opts.store.client, this.opts.store.database, lane.source, first),
          );
          if (!plan) return;
          lane.batcher = new PartitionBatcher<Item>(this.policy, plan.value);
        }
        for (const m of batch.messages) {
          if (lane.revoked || !payload.isRunning() || payload.isStale()) return;
          const { item, rejected } = itemOf(signal, m, this.limits);
          this.stats.messages++;
          this.stats.rowsRejected += rejected;
          for (const cut of lane.batcher.push(item)) await this.store(lane, cut);
          // Fetching moves on; the commit waits for the store.
          payload.resolveOffset(m.offset);
        }
      },
      () => payload.heartbeat(),
    );
  }

  private flushAged(): void {
    for (const lane of this.lanes.values()) {
      if (lane.busy || lane.revoked || !lane.batcher) continue;
      const cut = lane.batcher.takeIfAged();
      if (!cut) continue;
      lane
        .run(() => this.store(lane, cut))
        .catch((err: unknown) => this.opts.onError?.(err, 'storing an aged batch'));
    }
  }

  /** Record, dead-letter, insert, commit; every step retried until it works or we lose the partition. */
  private async store(lane: PartitionLane, cut: BatchCut<Item>): Promise<void> {
    const { topic, partition } = lane.source;
    const { client, database } = this.opts.store;
    if (!cut.replayed) {
      const ok = await lane.retry('recording a batch', () =>
        recordBatch(client, database, lane.source, cut),
      );
      if (!ok) return;
    }
    const poison = poisonIn(cut.items);
    if (poison.length > 0) {
      const ok = await lane.retry('dead-lettering', () =>
        sendToDeadLetter(this.producer, this.deadLetterTopic, lane.source, poison),
      );
      if (!ok) return;
    }
    const { rows, count } = mergeRows(cut.items);
    const token = batchToken(topic, partition, cut);
    const stored: StoredBatch = { topic, partition, first: cut.first, last: cut.last, rows: count };
    const ok = await lane.retry('inserting a batch', async () => {
      try {
        // Every retry re-sends every table: the token makes ClickHouse drop what it already has.
        await insertBatch(this.insert, rows, token);
        await this.opts.afterInsert?.(stored);
      } catch (err) {
        this.stats.insertErrors++;
        throw err;
      }
    });
    if (!ok) return;
    this.stats.rowsInserted += count;
    this.stats.batches++;
    if (cut.replayed) this.stats.replayedBatches++;
    this.stats.deadLettered += poison.length;
    try {
      await this.consumer.commitOffsets([{ topic, partition, offset: String(cut.last + 1) }]);
      this.memberLag.committed(topic, partition, cut.last + 1);
    } catch (err) {
      // Refused during a rebalance: whoever gets the partition replays the batch under its token.
      this.stats.commitErrors++;
      lane.revoked = true;
      this.opts.onError?.(err, 'committing offsets');
    }
  }
}
