import { describe, expect, it } from 'vitest';
import { metrics } from '@opentelemetry/api';
import {
  AggregationTemporality,
  DataPointType,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { counter, gauge, histogram } from './metrics.ts';

// Created before any provider exists, as module-level constants in an app usually are.
const orders = counter('orders.placed', { description: 'orders placed', unit: '{order}' });
const latency = histogram('checkout.duration', { unit: 'ms', boundaries: [10, 100, 1000] });
const depth = gauge('queue.depth');

describe('metric helpers', () => {
  it('record into the provider registered later, with attributes and bucket boundaries', async () => {
    orders.add(1); // before init: goes nowhere, must not throw

    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));

    orders.add(2, { country: 'NL' });
    orders.add(undefined, { country: 'NL' });
    latency.record(42, { route: '/pay' });
    latency.record(420, { route: '/pay' });
    depth.set(7);
    depth.set(3);
    await reader.forceFlush();

    const all = exporter.getMetrics().flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics));
    const byName = new Map(all.map((m) => [m.descriptor.name, m]));

    const placed = byName.get('orders.placed');
    expect(placed?.descriptor.unit).toBe('{order}');
    expect(placed?.dataPoints).toHaveLength(1);
    expect(placed?.dataPoints[0]?.attributes).toEqual({ country: 'NL' });
    expect(placed?.dataPoints[0]?.value).toBe(3);

    const duration = byName.get('checkout.duration');
    expect(duration?.dataPointType).toBe(DataPointType.HISTOGRAM);
    const point = duration?.dataPoints[0]?.value as {
      count: number;
      buckets: { boundaries: number[] };
    };
    expect(point.count).toBe(2);
    expect(point.buckets.boundaries).toEqual([10, 100, 1000]);

    expect(byName.get('queue.depth')?.dataPoints[0]?.value).toBe(3);
  });
});
