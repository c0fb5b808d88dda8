import { TraceFlags, type Context } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { LogRecordProcessor, SdkLogRecord } from '@opentelemetry/sdk-logs';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';
import { describeError } from './errors.ts';
import type { DropSink, Signal } from './drop-counter.ts';

/**
 * How many items sit between "recorded" and "handed to the exporter". OTel's batch processors
 * drop silently when their queue is full and do not expose its length, so we keep the count
 * ourselves and enforce the same bound one step earlier, where the drop can be counted.
 */
export class QueueBudget {
  private queued = 0;

  constructor(readonly capacity: number) {}

  tryEnter(): boolean {
    if (this.queued >= this.capacity) return false;
    this.queued += 1;
    return true;
  }

  leave(count: number): void {
    this.queued = Math.max(0, this.queued - count);
  }

  get size(): number {
    return this.queued;
  }
}

interface BatchExporter<T> {
  export(items: T[], resultCallback: (result: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/** Wraps an OTLP exporter: frees queue budget as batches leave, counts batches that failed. */
export class CountingExporter<T> {
  constructor(
    private readonly inner: BatchExporter<T>,
    private readonly signal: Signal,
    private readonly budget: QueueBudget,
    private readonly drops: DropSink,
  ) {}

  export(items: T[], resultCallback: (result: ExportResult) => void): void {
    this.budget.leave(items.length);
    let answered = false;
    const done = (result: ExportResult): void => {
      if (answered) return;
      answered = true;
      if (result.code !== ExportResultCode.SUCCESS) {
        this.drops.add(this.signal, items.length, `export failed: ${describeError(result.error)}`);
      }
      resultCallback(result);
    };
    try {
      this.inner.export(items, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : undefined });
    }
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

/** Sits in front of a BatchSpanProcessor and drops (and counts) spans once its queue is full. */
export class BoundedSpanProcessor implements SpanProcessor {
  private closed = false;

  constructor(
    private readonly inner: SpanProcessor,
    private readonly budget: QueueBudget,
    private readonly drops: DropSink,
  ) {}

  onStart(span: Span, parentContext: Context): void {
    this.inner.onStart(span, parentContext);
  }

  onEnd(span: ReadableSpan): void {
    // Unsampled spans are never exported, so they neither use the queue nor count as dropped.
    if ((span.spanContext().traceFlags & TraceFlags.SAMPLED) === 0) return;
    if (this.closed) {
      this.drops.add('spans', 1, 'span ended after shutdown');
      return;
    }
    if (!this.budget.tryEnter()) {
      this.drops.add('spans', 1, `queue full (${this.budget.capacity} spans)`);
      return;
    }
    this.inner.onEnd(span);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.closed = true;
    return this.inner.shutdown();
  }
}

/** Same bound for log records, in front of a BatchLogRecordProcessor. */
export class BoundedLogProcessor implements LogRecordProcessor {
  private closed = false;

  constructor(
    private readonly inner: LogRecordProcessor,
    private readonly budget: QueueBudget,
    private readonly drops: DropSink,
  ) {}

  onEmit(logRecord: SdkLogRecord, context?: Context): void {
    if (this.closed) {
      this.drops.add('logs', 1, 'log emitted after shutdown');
      return;
    }
    if (!this.budget.tryEnter()) {
      this.drops.add('logs', 1, `queue full (${this.budget.capacity} logs)`);
      return;
    }
    this.inner.onEmit(logRecord, context);
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    this.closed = true;
    return this.inner.shutdown();
  }
}
