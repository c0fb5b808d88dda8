/**
 * The log worker thread: turns pino lines into OTel log records and exports them over OTLP, so
 * the JSON parsing, record building and protobuf encoding stay off the app's event loop.
 * Started by log-worker-client.ts (through log-worker-boot.mjs when running from sources).
 */
import { parentPort, workerData } from 'node:worker_threads';
import type { SpanContext } from '@opentelemetry/api';
import { OTLPLogExporter } from '@opentelemetry/exporter-logs-otlp-proto';
import { BatchLogRecordProcessor, LoggerProvider } from '@opentelemetry/sdk-logs';
import { BoundedLogProcessor, CountingExporter, QueueBudget } from './bounded-export.ts';
import type { DropSink, Signal } from './drop-counter.ts';
import { lineToLogRecord } from './log-shipper.ts';
import {
  NO_SPAN,
  type FromWorker,
  type LogWorkerSetup,
  type ToWorker,
} from './log-worker-protocol.ts';
import { createResource } from './resource.ts';

const port = parentPort;
if (port === null) throw new Error('log-worker.ts must run in a worker thread');
const setup = workerData as LogWorkerSetup;
const post = (message: FromWorker): void => port.postMessage(message);

/** Sums drops and reports them to the main thread once per turn of the event loop. */
class ForwardingDrops implements DropSink {
  private count = 0;
  private readonly reasons = new Set<string>();
  private scheduled = false;

  add(_signal: Signal, count: number, reason: string): void {
    if (!(count > 0)) return;
    this.count += count;
    if (this.reasons.size < 5) this.reasons.add(reason);
    if (!this.scheduled) {
      this.scheduled = true;
      setImmediate(() => this.report());
    }
  }

  report(): void {
    this.scheduled = false;
    if (this.count === 0) return;
    post({ type: 'dropped', count: this.count, reasons: [...this.reasons] });
    this.count = 0;
    this.reasons.clear();
  }
}

const drops = new ForwardingDrops();
const budget = new QueueBudget(setup.maxQueueSize);
const provider = new LoggerProvider({
  resource: createResource(setup.resourceAttributes, setup.processAttributes),
  processors: [
    new BoundedLogProcessor(
      new BatchLogRecordProcessor({
        exporter: new CountingExporter(
          new OTLPLogExporter({
            url: setup.url,
            headers: setup.headers,
            timeoutMillis: setup.exportTimeoutMs,
          }),
          'logs',
          budget,
          drops,
        ),
        maxQueueSize: setup.maxQueueSize,
        maxExportBatchSize: setup.maxExportBatchSize,
        scheduledDelayMillis: setup.scheduledDelayMs,
        exportTimeoutMillis: setup.exportTimeoutMs + 1000,
      }),
      budget,
      drops,
    ),
  ],
});
const logger = provider.getLogger('@sightline/sdk');

function spanOf(flags: number) {
  return (fields: Record<string, unknown>): SpanContext | undefined => {
    const { trace_id: traceId, span_id: spanId } = fields;
    if (flags === NO_SPAN || typeof traceId !== 'string' || typeof spanId !== 'string') {
      return undefined;
    }
    return { traceId, spanId, traceFlags: flags, isRemote: false };
  };
}

async function handle(message: ToWorker): Promise<void> {
  switch (message.type) {
    case 'lines': {
      let unparsable = 0;
      for (let i = 0; i < message.lines.length; i += 1) {
        try {
          const flags = message.flags[i] ?? NO_SPAN;
          logger.emit(lineToLogRecord(message.lines[i] as string, spanOf(flags), message.keys[i]));
        } catch {
          unparsable += 1;
        }
      }
      drops.add('logs', unparsable, 'log line could not be turned into a record');
      post({ type: 'processed', count: message.lines.length });
      return;
    }
    case 'flush':
      await provider.forceFlush();
      drops.report();
      post({ type: 'done', id: message.id });
      return;
    case 'shutdown':
      await provider.shutdown().catch(() => undefined);
      drops.report();
      post({ type: 'done', id: message.id });
      return;
  }
}

port.on('message', (message: ToWorker) => {
  // A failure here is the worker's own; the main thread only hears about lost lines.
  handle(message).catch(() => undefined);
});
