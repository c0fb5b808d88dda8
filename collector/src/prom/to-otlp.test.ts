import { describe, expect, it } from 'vitest';
import { mapMetrics } from '../otlp/map-metrics.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { MetadataCache } from './metadata-cache.ts';
import { remoteWriteToOtlp } from './to-otlp.ts';
import type { PromTimeSeries } from './remote-write-proto.ts';

const MS = 1_700_000_000_000;
const labels = (l: Record<string, string>) =>
  Object.entries(l).map(([name, value]) => ({ name, value }));
const series = (l: Record<string, string>, ...values: number[]): PromTimeSeries => ({
  labels: labels(l),
  samples: values.map((value, i) => ({ value, timestamp: String(MS + i * 1000) })),
});
// Prometheus' stale marker: a NaN with its own bit pattern.
const STALE = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;

describe('remoteWriteToOtlp', () => {
  it('maps names, labels, job/instance and sample times to gauge and sum rows', () => {
    const conv = remoteWriteToOtlp(
      {
        timeseries: [
          series({ __name__: 'up', job: 'node', instance: 'h1:9100' }, 1, 0),
          series(
            { __name__: 'http_requests_total', job: 'node', instance: 'h1:9100', code: '200' },
            5,
            7,
          ),
          series({ __name__: 'queue_bytes', job: 'other' }, 42),
        ],
      },
      new MetadataCache(),
    );
    expect(conv.points).toBe(5);
    expect(conv.rejected.count).toBe(0);
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rows.gauge.map((r) => [r.MetricName, r.ServiceName, r.Value, r.TimeUnix])).toEqual([
      ['up', 'node', 1, String(BigInt(MS) * 1_000_000n)],
      ['up', 'node', 0, String(BigInt(MS + 1000) * 1_000_000n)],
      ['queue_bytes', 'other', 42, String(BigInt(MS) * 1_000_000n)],
    ]);
    expect(rows.gauge[0]?.ResourceAttributes).toEqual({
      'service.name': 'node',
      'service.instance.id': 'h1:9100',
    });
    expect(rows.gauge[0]?.Attributes).toEqual({});
    expect(
      rows.sum.map((r) => [r.MetricName, r.Value, r.IsMonotonic, r.AggregationTemporality]),
    ).toEqual([
      ['http_requests_total', 5, true, 2],
      ['http_requests_total', 7, true, 2],
    ]);
    expect(rows.sum[0]?.Attributes).toEqual({ code: '200' });
  });

  it('uses metadata sent in an earlier request to recognise counters and describe them', () => {
    const cache = new MetadataCache();
    remoteWriteToOtlp(
      {
        metadata: [
          { type: 'COUNTER', metricFamilyName: 'jobs_done', help: 'Jobs finished.', unit: '' },
          { type: 'GAUGE', metricFamilyName: 'temperature_sum', help: 'A gauge named like a sum.' },
          {
            type: 'SUMMARY',
            metricFamilyName: 'rpc_seconds',
            help: 'RPC latency.',
            unit: 'seconds',
          },
        ],
      },
      cache,
    );
    const conv = remoteWriteToOtlp(
      {
        timeseries: [
          series({ __name__: 'jobs_done' }, 3),
          series({ __name__: 'temperature_sum' }, 21.5),
          series({ __name__: 'rpc_seconds', quantile: '0.9' }, 0.25),
          series({ __name__: 'rpc_seconds_count' }, 10),
          series({ __name__: 'rpc_seconds_sum' }, 2.5),
          series({ __name__: 'latency_bucket', le: '0.5' }, 4),
        ],
      },
      cache,
    );
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rows.sum.map((r) => r.MetricName).sort()).toEqual([
      'jobs_done',
      'latency_bucket',
      'rpc_seconds_count',
      'rpc_seconds_sum',
    ]);
    expect(rows.gauge.map((r) => r.MetricName).sort()).toEqual(['rpc_seconds', 'temperature_sum']);
    const count = rows.sum.find((r) => r.MetricName === 'rpc_seconds_count');
    expect([count?.MetricDescription, count?.MetricUnit]).toEqual(['RPC latency.', 'seconds']);
    expect(rows.sum.find((r) => r.MetricName === 'latency_bucket')?.Attributes).toEqual({
      le: '0.5',
    });
  });

  it('drops stale markers and other non-finite samples', () => {
    const conv = remoteWriteToOtlp(
      { timeseries: [series({ __name__: 'up' }, 1, STALE, NaN, Infinity, 0)] },
      new MetadataCache(),
    );
    expect(conv.points).toBe(2);
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rows.gauge.map((r) => r.Value)).toEqual([1, 0]);
  });

  it('converts native histograms to exponential histograms', () => {
    const conv = remoteWriteToOtlp(
      {
        timeseries: [
          {
            labels: labels({ __name__: 'rpc_duration_seconds', job: 'api' }),
            histograms: [
              {
                countInt: '9',
                sum: 12.5,
                schema: 0,
                zeroCountInt: '1',
                // buckets 1, 2 then (after a gap of 1) 4: counts 2, 3, 3 as deltas
                positiveSpans: [
                  { offset: 1, length: 2 },
                  { offset: 1, length: 1 },
                ],
                positiveDeltas: ['2', '1', '0'],
                timestamp: String(MS),
              },
            ],
          },
        ],
      },
      new MetadataCache(),
    );
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rows.exponentialHistogram).toHaveLength(1);
    expect(rows.exponentialHistogram[0]).toMatchObject({
      MetricName: 'rpc_duration_seconds',
      ServiceName: 'api',
      Count: '9',
      Sum: 12.5,
      Scale: 0,
      ZeroCount: '1',
      PositiveOffset: 0,
      PositiveBucketCounts: ['2', '3', '0', '3'],
      NegativeBucketCounts: [],
      AggregationTemporality: 2,
    });
  });

  it('rejects bad series alone, naming them', () => {
    const conv = remoteWriteToOtlp(
      {
        timeseries: [
          series({ job: 'x' }, 1),
          {
            labels: [...labels({ __name__: 'a', x: '1' }), { name: 'x', value: '2' }],
            samples: [],
          },
          series({ __name__: 'ok' }, 1),
          { labels: labels({ __name__: 'b' }), samples: [{ value: 1, timestamp: '-5' }] },
        ],
      },
      new MetadataCache(),
    );
    expect(conv.points).toBe(1);
    expect(conv.rejected.count).toBe(3);
    expect(conv.rejected.message()).toContain(
      'timeseries[0].labels: a series needs a __name__ label',
    );
    expect(conv.rejected.message()).toContain("timeseries[1].labels[2]: duplicate label 'x'");
    expect(conv.rejected.message()).toContain(
      'timeseries[3].samples[0].timestamp: expected milliseconds since the epoch',
    );
  });

  it('keeps a bounded number of metric families', () => {
    const cache = new MetadataCache(2);
    cache.learn([
      { type: 'COUNTER', metricFamilyName: 'a' },
      { type: 'COUNTER', metricFamilyName: 'b' },
      { type: 'GAUGE', metricFamilyName: 'c' },
    ]);
    expect(cache.size).toBe(2);
    expect(cache.get('a')).toBeUndefined();
    expect(cache.get('c')?.type).toBe('GAUGE');
  });
});
