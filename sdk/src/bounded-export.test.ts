import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { TraceFlags } from '@opentelemetry/api';
import { ExportResultCode, type ExportResult } from '@opentelemetry/core';
import { BatchSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace-node';
import type { PushMetricExporter, ResourceMetrics } from '@opentelemetry/sdk-metrics';
import { BoundedSpanProcessor, CountingExporter, QueueBudget } from './bounded-export.ts';
import { CountingMetricExporter } from './counting-metric-exporter.ts';
import { DropCounter } from './drop-counter.ts';

/** An exporter that holds every batch until the test answers it. */
class StalledExporter {
  readonly pending: { spans: ReadableSpan[]; done: (r: ExportResult) => void }[] = [];
  export(spans: ReadableSpan[], done: (r: ExportResult) => void): void {
    this.pending.push({ spans, done });
  }
  shutdown(): Promise<void> {
    return Promise.resolve();
  }
  forceFlush(): Promise<void> {
    return Promise.resolve();
  }
}

function fakeSpan(sampled = true): ReadableSpan {
  const spanContext = {
    traceId: '0af7651916cd43dd8448eb211c80319c',
    spanId: 'b7ad6b7169203331',
    traceFlags: sampled ? TraceFlags.SAMPLED : TraceFlags.NONE,
  };
  return {
    spanContext: () => spanContext,
    resource: { asyncAttributesPending: false },
  } as unknown as ReadableSpan;
}

const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);
beforeEach(async () => {
  // Warnings are delivered on a later tick: let those of the previous test arrive first.
  await new Promise((resolve) => setImmediate(resolve));
  warnings.length = 0;
  process.on('warning', onWarning);
});
afterEach(() => {
  process.off('warning', onWarning);
});

describe('BoundedSpanProcessor + CountingExporter', () => {
  function setup(capacity: number) {
    const drops = new DropCounter(60_000);
    const budget = new QueueBudget(capacity);
    const exporter = new StalledExporter();
    const batch = new BatchSpanProcessor(new CountingExporter(exporter, 'spans', budget, drops), {
      maxQueueSize: capacity,
      maxExportBatchSize: 4,
      scheduledDelayMillis: 60_000,
    });
    const processor = new BoundedSpanProcessor(batch, budget, drops);
    return { drops, budget, exporter, processor };
  }

  it('holds at most the queue bound while the backend is stuck, and counts the rest', () => {
    const { drops, budget, exporter, processor } = setup(8);
    for (let i = 0; i < 100; i += 1) processor.onEnd(fakeSpan());
    // 4 left in the first (stuck) batch, 8 waiting: everything else was dropped and counted.
    expect(exporter.pending).toHaveLength(1);
    expect(budget.size).toBe(8);
    expect(drops.counts().spans).toBe(100 - 4 - 8);
  });

  it('counts a failed export as dropped and a successful one not', async () => {
    const { drops, exporter, processor } = setup(8);
    for (let i = 0; i < 8; i += 1) processor.onEnd(fakeSpan());
    expect(exporter.pending).toHaveLength(1);
    exporter.pending[0]?.done({ code: ExportResultCode.FAILED, error: new Error('503') });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drops.counts().spans).toBe(4);
    expect(exporter.pending).toHaveLength(2);
    exporter.pending[1]?.done({ code: ExportResultCode.SUCCESS });
    await new Promise((resolve) => setImmediate(resolve));
    expect(drops.counts().spans).toBe(4);
  });

  it('ignores unsampled spans and counts spans ended after shutdown', async () => {
    const { drops, budget, processor } = setup(8);
    processor.onEnd(fakeSpan(false));
    expect(budget.size).toBe(0);
    await processor.shutdown();
    processor.onEnd(fakeSpan());
    expect(drops.counts().spans).toBe(1);
  });

  it('turns an exporter that throws into a failed, counted export', () => {
    const drops = new DropCounter(60_000);
    const results: ExportResult[] = [];
    const throwing = new CountingExporter<ReadableSpan>(
      {
        export: () => {
          throw new Error('boom');
        },
        shutdown: () => Promise.resolve(),
      },
      'spans',
      new QueueBudget(10),
      drops,
    );
    throwing.export([fakeSpan(), fakeSpan()], (r) => results.push(r));
    expect(results.map((r) => r.code)).toEqual([ExportResultCode.FAILED]);
    expect(drops.counts().spans).toBe(2);
  });
});

describe('CountingMetricExporter', () => {
  it('counts the data points of a failed export', () => {
    const drops = new DropCounter(60_000);
    const inner: PushMetricExporter = {
      export: (_m, done) => done({ code: ExportResultCode.FAILED }),
      forceFlush: () => Promise.resolve(),
      shutdown: () => Promise.resolve(),
    };
    const metrics = {
      resource: {},
      scopeMetrics: [
        { scope: { name: 's' }, metrics: [{ dataPoints: [1, 2, 3] }, { dataPoints: [4] }] },
      ],
    } as unknown as ResourceMetrics;
    new CountingMetricExporter(inner, drops).export(metrics, () => undefined);
    expect(drops.counts().metrics).toBe(4);
  });
});

describe('DropCounter', () => {
  it('warns at most once per interval and sums what it did not report', async () => {
    let now = 0;
    const drops = new DropCounter(1000, () => now);
    drops.add('spans', 5, 'queue full');
    for (let i = 0; i < 50; i += 1) drops.add('logs', 1, 'queue full');
    now = 999;
    drops.add('metrics', 2, 'export failed');
    await new Promise((resolve) => process.nextTick(resolve));
    expect(warnings).toHaveLength(1);
    expect(warnings[0]?.message).toContain('dropped 5 spans');

    now = 1000;
    drops.add('spans', 1, 'queue full');
    await new Promise((resolve) => process.nextTick(resolve));
    expect(warnings).toHaveLength(2);
    expect(warnings[1]?.message).toContain('dropped 1 spans, 50 logs, 2 metric points');
    expect(drops.counts()).toEqual({ spans: 6, logs: 50, metrics: 2 });
  });
});
