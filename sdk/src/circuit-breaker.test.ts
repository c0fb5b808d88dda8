import { once } from 'node:events';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { metrics, SpanKind, trace } from '@opentelemetry/api';
import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type GaugeMetricData,
  type SumMetricData,
} from '@opentelemetry/sdk-metrics';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { CapturedLines } from '../test/helpers.ts';
import { BreakerSpanProcessor } from './breaker-context.ts';
import { circuitBreaker } from './circuit-breaker.ts';
import { createLogger } from './logger.ts';

const spans = new InMemorySpanExporter();
const metricExporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
const reader = new PeriodicExportingMetricReader({
  exporter: metricExporter,
  exportIntervalMillis: 60_000,
});
const tracer = () => trace.getTracer('test');

beforeAll(() => {
  new NodeTracerProvider({
    spanProcessors: [new BreakerSpanProcessor(), new SimpleSpanProcessor(spans)],
  }).register();
  metrics.setGlobalMeterProvider(new MeterProvider({ readers: [reader] }));
});
afterAll(() => {
  metrics.disable();
  trace.disable();
});

/** The latest exported points of a metric, keyed by their attributes. */
async function points(name: string): Promise<Map<string, number>> {
  metricExporter.reset();
  await reader.forceFlush();
  const metric = metricExporter
    .getMetrics()
    .flatMap((rm) => rm.scopeMetrics.flatMap((s) => s.metrics))
    .find((m) => m.descriptor.name === name) as GaugeMetricData | SumMetricData | undefined;
  return new Map((metric?.dataPoints ?? []).map((p) => [JSON.stringify(p.attributes), p.value]));
}

const key = (name: string, outcome?: string): string =>
  JSON.stringify(
    outcome === undefined
      ? { 'circuit_breaker.name': name }
      : { 'circuit_breaker.name': name, outcome },
  );

describe('circuitBreaker', () => {
  it('is the opossum breaker, named, with the state gauge going closed → open → half-open → closed', async () => {
    const lines = new CapturedLines();
    let healthy = false;
    const breaker = circuitBreaker(
      (n: number) => (healthy ? Promise.resolve(n * 2) : Promise.reject(new Error('db down'))),
      {
        name: 'orders-db',
        resetTimeout: 50,
        volumeThreshold: 2,
        errorThresholdPercentage: 50,
        logger: createLogger({ destination: lines.destination }),
      },
    );
    expect(breaker.name).toBe('orders-db');
    const states: number[] = [];
    const sample = async (): Promise<void> => {
      states.push((await points('circuit_breaker.state')).get(key('orders-db')) ?? -1);
    };
    await sample();

    await tracer().startActiveSpan('failing-request', async (span) => {
      await expect(breaker.fire(1)).rejects.toThrow('db down');
      await expect(breaker.fire(2)).rejects.toThrow('db down');
      span.end();
    });
    expect(breaker.opened).toBe(true);
    await sample();

    const rejectedSpan = await tracer().startActiveSpan('rejected-request', async (span) => {
      await expect(breaker.fire(3)).rejects.toThrow(/Breaker is open/);
      span.end();
      return span;
    });
    expect(rejectedSpan).toBeDefined();

    await once(breaker, 'halfOpen');
    await sample();
    healthy = true;
    await expect(breaker.fire(21)).resolves.toBe(42);
    expect(breaker.closed).toBe(true);
    await sample();
    expect(states).toEqual([0, 2, 1, 0]);

    const calls = await points('circuit_breaker.calls');
    expect(calls.get(key('orders-db', 'failure'))).toBe(2);
    expect(calls.get(key('orders-db', 'rejected'))).toBe(1);
    expect(calls.get(key('orders-db', 'success'))).toBe(1);

    const rejected = spans.getFinishedSpans().find((s) => s.name === 'rejected-request');
    expect(rejected?.attributes).toMatchObject({
      'circuit_breaker.name': 'orders-db',
      'circuit_breaker.outcome': 'rejected',
    });
    expect(rejected?.events.map((e) => [e.name, e.attributes])).toEqual([
      [
        'circuit_breaker.rejected',
        { 'circuit_breaker.name': 'orders-db', 'circuit_breaker.state': 'open' },
      ],
    ]);

    const logged = lines.parsed.map((l) => [l.level, l.from, l.to]);
    expect(logged).toEqual([
      [40, 'closed', 'open'],
      [30, 'open', 'halfOpen'],
      [30, 'halfOpen', 'closed'],
    ]);
    // The opening was logged inside the failing call's trace.
    const failing = spans.getFinishedSpans().find((s) => s.name === 'failing-request');
    expect(lines.parsed[0]?.trace_id).toBe(failing?.spanContext().traceId);
    expect(lines.parsed[0]?.['circuit_breaker.name']).toBe('orders-db');
  });

  it('counts a timeout once, as a timeout, marks the span, and counts the fallback', async () => {
    const breaker = circuitBreaker(
      (signal: string) =>
        new Promise<string>((resolve) => setTimeout(() => resolve(signal), 5_000)),
      { name: 'slow-api', timeout: 20, logger: { info: () => {}, warn: () => {} } },
    );
    breaker.fallback(() => 'cached');
    const span = await tracer().startActiveSpan('slow-request', async (s) => {
      await expect(breaker.fire('live')).resolves.toBe('cached');
      s.end();
      return s;
    });
    expect(span).toBeDefined();
    breaker.shutdown();

    const calls = await points('circuit_breaker.calls');
    expect(calls.get(key('slow-api', 'timeout'))).toBe(1);
    expect(calls.get(key('slow-api', 'failure'))).toBeUndefined();
    expect(calls.get(key('slow-api', 'fallback'))).toBe(1);
    const slow = spans.getFinishedSpans().find((s) => s.name === 'slow-request');
    expect(slow?.attributes['circuit_breaker.outcome']).toBe('timeout');
    expect(slow?.events[0]?.name).toBe('circuit_breaker.timeout');
    expect(slow?.events[0]?.attributes).toEqual({
      'circuit_breaker.name': 'slow-api',
      'circuit_breaker.timeout_ms': 20,
    });
  });

  it('names the breaker on the client spans made inside its call, and only there', async () => {
    const call = (label: string) =>
      tracer().startActiveSpan(label, { kind: SpanKind.CLIENT }, (s) => {
        tracer().startSpan(`${label} internal`).end();
        s.end();
        return Promise.resolve(label);
      });
    // Unnamed: opossum names it after the function passed in, not after the SDK's wrapper.
    const breaker = circuitBreaker(async function inventoryLookup(label: string) {
      return call(label);
    });
    expect(breaker.name).toBe('inventoryLookup');
    await expect(breaker.fire('guarded')).resolves.toBe('guarded');
    await call('unguarded');
    breaker.shutdown();
    const byName = new Map(spans.getFinishedSpans().map((s) => [s.name, s.attributes]));
    expect(byName.get('guarded')?.['circuit_breaker.name']).toBe('inventoryLookup');
    expect(byName.get('guarded internal')?.['circuit_breaker.name']).toBeUndefined();
    expect(byName.get('unguarded')?.['circuit_breaker.name']).toBeUndefined();
  });
});
