import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '@sightline/collector/otlp/proto';
import type { RunningSightline } from '../src/all-in-one.ts';
import { nowNanos, select, startTestSightline } from './harness.ts';

// The official OTLP protobuf classes (opentelemetry-proto via OpenTelemetry JS) encode what the JS
// SDK cannot emit: exemplars and summaries, as the Collector and other SDKs send them.
let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

const hex = (h: string) => Buffer.from(h, 'hex');

describe('metrics the JS SDK does not produce', () => {
  it('stores histogram exemplars and summaries exactly', async () => {
    const t0 = nowNanos(-1000);
    const t1 = nowNanos();
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const spanId = '00f067aa0ba902b7';
    const type = REQUEST_TYPES.metrics;
    const body = type
      .encode(
        type.fromObject({
          resourceMetrics: [
            {
              resource: {
                attributes: [{ key: 'service.name', value: { stringValue: 'go-billing' } }],
              },
              scopeMetrics: [
                {
                  scope: { name: 'billing', version: '1.0' },
                  metrics: [
                    {
                      name: 'rpc.duration',
                      unit: 's',
                      histogram: {
                        aggregationTemporality: 2,
                        dataPoints: [
                          {
                            startTimeUnixNano: t0,
                            timeUnixNano: t1,
                            count: 3,
                            sum: 1.75,
                            min: 0.25,
                            max: 1,
                            bucketCounts: [1, 2],
                            explicitBounds: [0.5],
                            attributes: [{ key: 'rpc.method', value: { stringValue: 'Charge' } }],
                            exemplars: [
                              {
                                timeUnixNano: t1,
                                asDouble: 1,
                                traceId: hex(traceId),
                                spanId: hex(spanId),
                                filteredAttributes: [{ key: 'user', value: { intValue: 7 } }],
                              },
                            ],
                          },
                        ],
                      },
                    },
                    {
                      name: 'gc.pause',
                      summary: {
                        dataPoints: [
                          {
                            startTimeUnixNano: t0,
                            timeUnixNano: t1,
                            count: 10,
                            sum: 12.5,
                            quantileValues: [
                              { quantile: 0.5, value: 1 },
                              { quantile: 0.99, value: 4.5 },
                            ],
                          },
                        ],
                      },
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const res = await fetch(`${s.otlpUrl}/v1/metrics`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    expect(res.status).toBe(200);

    const [h] = await select<Record<string, unknown>>(
      s,
      `SELECT Count, Sum, BucketCounts, ExplicitBounds, Min, Max, Exemplars.Value AS ev, Exemplars.TraceId AS et,
         Exemplars.SpanId AS es, Exemplars.FilteredAttributes AS ea,
         arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Exemplars.TimeUnix) AS etime
       FROM sightline.otel_metrics_histogram WHERE ServiceName = 'go-billing'`,
    );
    expect(h).toEqual({
      Count: '3',
      Sum: 1.75,
      BucketCounts: ['1', '2'],
      ExplicitBounds: [0.5],
      Min: 0.25,
      Max: 1,
      ev: [1],
      et: [traceId],
      es: [spanId],
      ea: [{ user: '7' }],
      etime: [t1],
    });
    const summaries = await select<Record<string, unknown>>(
      s,
      `SELECT MetricName, Count, Sum, ValueAtQuantiles.Quantile AS q, ValueAtQuantiles.Value AS v,
         toString(toUnixTimestamp64Nano(TimeUnix)) AS time
       FROM sightline.otel_metrics_summary WHERE ServiceName = 'go-billing'`,
    );
    expect(summaries).toEqual([
      { MetricName: 'gc.pause', Count: '10', Sum: 12.5, q: [0.5, 0.99], v: [1, 4.5], time: t1 },
    ]);
  });
});
