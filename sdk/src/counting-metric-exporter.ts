import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import {
  AggregationTemporality,
  AggregationType,
  type AggregationOption,
  type InstrumentType,
  type PushMetricExporter,
  type ResourceMetrics,
} from '@opentelemetry/sdk-metrics';
import type { DropSink } from './drop-counter.ts';
import { describeError } from './errors.ts';

function countDataPoints(metrics: ResourceMetrics): number {
  let points = 0;
  for (const scope of metrics.scopeMetrics) {
    for (const metric of scope.metrics) points += metric.dataPoints.length;
  }
  return points;
}

/** Metrics have no queue (the SDK aggregates in place); only failed exports are counted. */
export class CountingMetricExporter implements PushMetricExporter {
  constructor(
    private readonly inner: PushMetricExporter,
    private readonly drops: DropSink,
  ) {}

  export(metrics: ResourceMetrics, resultCallback: (result: ExportResult) => void): void {
    let answered = false;
    const done = (result: ExportResult): void => {
      if (answered) return;
      answered = true;
      if (result.code !== ExportResultCode.SUCCESS) {
        const reason = `export failed: ${describeError(result.error)}`;
        this.drops.add('metrics', countDataPoints(metrics), reason);
      }
      resultCallback(result);
    };
    try {
      this.inner.export(metrics, done);
    } catch (error) {
      done({ code: ExportResultCode.FAILED, error: error instanceof Error ? error : undefined });
    }
  }

  selectAggregationTemporality(instrumentType: InstrumentType): AggregationTemporality {
    // The OTLP exporter always implements it; the fallback is the SDK's own default.
    return (
      this.inner.selectAggregationTemporality?.(instrumentType) ?? AggregationTemporality.CUMULATIVE
    );
  }

  selectAggregation(instrumentType: InstrumentType): AggregationOption {
    return this.inner.selectAggregation?.(instrumentType) ?? { type: AggregationType.DEFAULT };
  }

  forceFlush(): Promise<void> {
    return this.inner.forceFlush();
  }

  shutdown(): Promise<void> {
    return this.inner.shutdown();
  }
}
