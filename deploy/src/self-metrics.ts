import type { FastifyInstance } from 'fastify';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';
import type { GroupCommitWriter } from '@sightline/collector/ingest/group-commit';
import type { IngestConsumer } from '@sightline/collector/kafka/ingest-consumer';
import type { IngestSink } from '@sightline/collector/ingest/sink';
import type { ReceiveObserver } from '@sightline/collector/receive/app';

/** What a process's roles expose about themselves at GET /metrics (Prometheus text format). */
export class SelfMetrics {
  readonly registry = new Registry();
  private readonly requests = new Counter({
    name: 'sightline_otlp_requests_total',
    help: 'OTLP requests answered, by signal and HTTP status',
    labelNames: ['signal', 'status'] as const,
    registers: [this.registry],
  });
  private readonly requestSeconds = new Histogram({
    name: 'sightline_otlp_request_seconds',
    help: 'Time to answer an OTLP request (includes storing it, or Kafka acknowledging it)',
    labelNames: ['signal'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });
  private readonly items = new Counter({
    name: 'sightline_otlp_items_total',
    help: 'Spans, log records and metric points received, by outcome (accepted or rejected)',
    labelNames: ['signal', 'outcome'] as const,
    registers: [this.registry],
  });
  private readonly produceSeconds = new Histogram({
    name: 'sightline_kafka_produce_seconds',
    help: 'Time until Kafka acknowledged an OTLP request, by outcome',
    labelNames: ['signal', 'outcome'] as const,
    buckets: [0.001, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [this.registry],
  });

  constructor() {
    collectDefaultMetrics({ register: this.registry, prefix: 'sightline_' });
  }

  readonly receiveObserver: ReceiveObserver = {
    request: (signal, status, seconds) => {
      this.requests.inc({ signal, status: String(status) });
      this.requestSeconds.observe({ signal }, seconds);
    },
    items: (signal, accepted, rejected) => {
      this.items.inc({ signal, outcome: 'accepted' }, accepted);
      if (rejected > 0) this.items.inc({ signal, outcome: 'rejected' }, rejected);
    },
  };

  /** Times every produce of a Kafka sink. */
  timeKafka(sink: IngestSink): IngestSink {
    return {
      submit: async (signal, request, rows) => {
        const end = this.produceSeconds.startTimer({ signal });
        try {
          await sink.submit(signal, request, rows);
          end({ outcome: 'acknowledged' });
        } catch (err) {
          end({ outcome: 'refused' });
          throw err;
        }
      },
    };
  }

  watchWriter(writer: GroupCommitWriter): void {
    const stats = writer.stats;
    this.gauge(
      'sightline_ingest_queue_rows',
      'Rows accepted and waiting to be stored',
      () => stats.queuedRows,
    );
    this.counterFrom('sightline_ingest_rows_total', 'Rows stored', () => stats.insertedRows);
    this.counterFrom(
      'sightline_ingest_inserts_total',
      'Inserts into the store',
      () => stats.inserts,
    );
    this.counterFrom(
      'sightline_ingest_insert_errors_total',
      'Inserts that failed after retries',
      () => stats.failedInserts,
    );
    this.counterFrom(
      'sightline_ingest_refused_requests_total',
      'Requests refused with 429/503',
      () => stats.refusedRequests,
    );
  }

  watchConsumer(consumer: IngestConsumer): void {
    const stats = consumer.stats;
    this.counterFrom('sightline_ingest_rows_total', 'Rows stored', () => stats.rowsInserted);
    this.counterFrom(
      'sightline_ingest_rows_rejected_total',
      'Items that could not be stored',
      () => stats.rowsRejected,
    );
    this.counterFrom(
      'sightline_ingest_insert_errors_total',
      'Failed insert attempts (retried)',
      () => stats.insertErrors,
    );
    this.counterFrom(
      'sightline_ingest_dead_lettered_total',
      'Messages sent to the dead-letter topic',
      () => stats.deadLettered,
    );
    new Gauge({
      name: 'sightline_kafka_consumer_lag',
      help: "Messages behind the high watermark, per partition of the consumer group (from Kafka's admin API)",
      labelNames: ['topic', 'partition'] as const,
      registers: [this.registry],
      async collect() {
        // Kafka unreachable: what this member saw last, rather than no figure at all.
        const lag = await consumer.groupLag().catch(() => consumer.lag());
        this.reset();
        for (const p of lag) this.set({ topic: p.topic, partition: String(p.partition) }, p.lag);
      },
    });
  }

  /** Serves GET /metrics on a listener of this process. */
  serve(app: FastifyInstance): void {
    app.get('/metrics', async (_req, reply) => {
      const body = await this.registry.metrics();
      return reply.type(this.registry.contentType).send(body);
    });
  }

  private gauge(name: string, help: string, read: () => number): void {
    new Gauge({
      name,
      help,
      registers: [this.registry],
      collect() {
        this.set(read());
      },
    });
  }

  // A counter whose value lives elsewhere (the writer's or consumer's own tally).
  private counterFrom(name: string, help: string, read: () => number): void {
    let reported = 0;
    new Counter({
      name,
      help,
      registers: [this.registry],
      collect() {
        // The source only grows: add what it gained since the last scrape.
        const current = read();
        if (current > reported) this.inc(current - reported);
        reported = current;
      },
    });
  }
}
