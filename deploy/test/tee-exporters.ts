import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import type { ReadableLogRecord, LogRecordExporter } from '@opentelemetry/sdk-logs';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import type { ReadableSpan, SpanExporter } from '@opentelemetry/sdk-trace-base';

interface Exporter<T> {
  export(items: T, done: (r: ExportResult) => void): void;
  shutdown(): Promise<void>;
  forceFlush?(): Promise<void>;
}

/**
 * Passes everything to the real OTLP exporter and keeps a copy, so a test knows exactly what the
 * official SDK sent (timestamps included) and whether the export succeeded.
 */
class Tee<T> {
  readonly sent: T[] = [];
  readonly failures: ExportResult[] = [];
  constructor(protected readonly inner: Exporter<T>) {}
  export(items: T, done: (r: ExportResult) => void): void {
    this.sent.push(items);
    this.inner.export(items, (r) => {
      if (r.code !== ExportResultCode.SUCCESS) this.failures.push(r);
      done(r);
    });
  }
  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
  forceFlush(): Promise<void> {
    return this.inner.forceFlush?.() ?? Promise.resolve();
  }
}

export class TeeSpanExporter extends Tee<ReadableSpan[]> implements SpanExporter {}
export class TeeLogExporter extends Tee<ReadableLogRecord[]> implements LogRecordExporter {}
export class TeeMetricExporter extends Tee<ResourceMetrics> implements PushMetricExporter {
  constructor(private readonly metricInner: PushMetricExporter) {
    super(metricInner);
  }
  selectAggregationTemporality = (
    ...a: Parameters<NonNullable<PushMetricExporter['selectAggregationTemporality']>>
  ) => this.metricInner.selectAggregationTemporality!(...a);
}
