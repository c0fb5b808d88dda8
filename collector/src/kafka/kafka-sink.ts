import { CompressionTypes, Partitioners } from 'kafkajs';
import type { Kafka, Producer, ProducerConfig } from 'kafkajs';
import { SightlineError } from '@sightline/model/errors';
import type { RowBatch } from '@sightline/model/rows';
import type { Signal } from '../otlp/proto.ts';
import type { IngestSink } from '../ingest/sink.ts';
import { toMessages } from './proto-messages.ts';
import { resolveTopics, type KafkaTopics } from './topics.ts';

/** Codecs kafkajs ships; snappy, lz4 and zstd need extra codec packages and are not offered. */
export type KafkaCompression = 'none' | 'gzip';

export interface KafkaSinkOptions {
  /** The client (brokers, TLS/SASL, retry and timeouts are set on it). */
  readonly kafka: Kafka;
  readonly topics?: Partial<KafkaTopics>;
  /** -1: every in-sync replica (default), 1: the leader only. */
  readonly acks?: -1 | 1;
  readonly compression?: KafkaCompression;
  /** A request not acknowledged by Kafka within this gets 503 (default 10 000 ms). */
  readonly produceTimeoutMs?: number;
  /** Retry-After given with a 503 (default 5 s). */
  readonly retryAfterSeconds?: number;
  /** Extra producer settings (idempotence, transactional ids and auto topic creation stay off). */
  readonly producer?: Omit<ProducerConfig, 'idempotent' | 'transactionalId'>;
  readonly onError?: (err: unknown, signal: Signal) => void;
}

export interface KafkaSinkStats {
  requests: number;
  messages: number;
  bytes: number;
  refused: number;
}

const COMPRESSION: Record<KafkaCompression, CompressionTypes> = {
  none: CompressionTypes.None,
  gzip: CompressionTypes.GZIP,
};

/**
 * Distributed mode's sink: each accepted request is published to its signal's Kafka topic as OTLP
 * protobuf (the Collector Kafka exporter's `otlp_proto` encoding), and submit resolves only once
 * Kafka acknowledged every message. Kafka down or slow → 503 with Retry-After, never a hang.
 *
 * A send that timed out may still complete later (kafkajs keeps retrying under its own retry
 * settings), so a client's retry can put the data on Kafka twice: delivery is at least once.
 */
export class KafkaSink implements IngestSink {
  private readonly producer: Producer;
  private readonly topics: KafkaTopics;
  private readonly acks: -1 | 1;
  private readonly compression: CompressionTypes;
  private readonly timeoutMs: number;
  private readonly retryAfter: number;
  private connecting: Promise<void> | null = null;
  private closed = false;
  readonly stats: KafkaSinkStats = { requests: 0, messages: 0, bytes: 0, refused: 0 };

  constructor(private readonly opts: KafkaSinkOptions) {
    this.topics = resolveTopics(opts.topics);
    this.acks = opts.acks ?? -1;
    this.compression = COMPRESSION[opts.compression ?? 'none'];
    this.timeoutMs = opts.produceTimeoutMs ?? 10_000;
    this.retryAfter = opts.retryAfterSeconds ?? 5;
    if (!(this.timeoutMs > 0))
      throw new Error(`produceTimeoutMs must be > 0, got ${this.timeoutMs}`);
    this.producer = opts.kafka.producer({
      createPartitioner: Partitioners.DefaultPartitioner,
      allowAutoTopicCreation: false,
      ...opts.producer,
      idempotent: false,
    });
    this.producer.on(this.producer.events.DISCONNECT, () => {
      this.connecting = null;
    });
  }

  get topicNames(): KafkaTopics {
    return this.topics;
  }

  /** Connects now (optional: submit connects on demand); rejects if Kafka cannot be reached. */
  start(): Promise<void> {
    return this.connect();
  }

  async submit(signal: Signal, request: unknown, _rows: RowBatch): Promise<void> {
    if (this.closed) {
      throw this.refusal('SL_ERR_SHUTTING_DOWN', 'Sightline is shutting down');
    }
    let messages;
    try {
      messages = toMessages(signal, request);
    } catch (err) {
      throw new SightlineError(
        'SL_ERR_BAD_REQUEST',
        400,
        `the request cannot be encoded as OTLP protobuf: ${(err as Error).message}`,
      );
    }
    if (messages.length === 0) return;
    this.stats.requests++;
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<'timeout'>((resolve) => {
      timer = setTimeout(() => resolve('timeout'), this.timeoutMs);
    });
    const send = (async () => {
      await this.connect();
      await this.producer.send({
        topic: this.topics[signal],
        acks: this.acks,
        timeout: this.timeoutMs,
        compression: this.compression,
        messages: messages.map((m) => ({ key: m.key, value: m.value })),
      });
    })();
    try {
      const outcome = await Promise.race([send, timeout]);
      if (outcome === 'timeout') {
        // The send goes on in the background; its late failure is no one's to hear.
        send.catch(() => {});
        throw new Error(`Kafka did not acknowledge within ${this.timeoutMs} ms`);
      }
      this.stats.messages += messages.length;
      for (const m of messages) this.stats.bytes += m.value.length;
    } catch (err) {
      this.stats.refused++;
      this.opts.onError?.(err, signal);
      throw this.refusal(
        'SL_ERR_KAFKA_UNAVAILABLE',
        `Kafka did not accept the data (${(err as Error).message}); retry later`,
      );
    } finally {
      clearTimeout(timer);
    }
  }

  /** Refuses new requests and disconnects once those in flight are answered by kafkajs. */
  async stop(): Promise<void> {
    this.closed = true;
    await this.producer.disconnect();
  }

  private connect(): Promise<void> {
    this.connecting ??= this.producer.connect().catch((err: unknown) => {
      this.connecting = null;
      throw err;
    });
    return this.connecting;
  }

  private refusal(code: string, message: string): SightlineError {
    return new SightlineError(code, 503, message, this.retryAfter);
  }
}
