import { describe, expect, it } from 'vitest';
import { mapMetrics } from '../otlp/map-metrics.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { MetadataCache } from './metadata-cache.ts';
import { StartTimes } from './start-times.ts';
import { isStaleMarker, remoteWriteToOtlp } from './to-otlp.ts';
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
      new StartTimes(),
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
      new StartTimes(),
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
      new StartTimes(),
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
    expect([count?.MetricDescription, count?.MetricUnit]).toEqual(['RPC latency.', 's']);
    expect(rows.sum.find((r) => r.MetricName === 'latency_bucket')?.Attributes).toEqual({
      le: '0.5',
    });
  });

  it('keeps zeros, NaN and infinities as values; a stale marker is a point with no recorded value', () => {
    const conv = remoteWriteToOtlp(
      { timeseries: [series({ __name__: 'up' }, 1, 0, NaN, Infinity, -Infinity, -0, STALE, 0)] },
      new MetadataCache(),
      new StartTimes(),
    );
    expect(conv.points).toBe(8);
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rows.gauge.map((r) => [r.Value, r.Flags])).toEqual([
      [1, 0],
      [0, 0],
      [NaN, 0],
      [Infinity, 0],
      [-Infinity, 0],
      [-0, 0],
      [NaN, 1],
      [0, 0],
    ]);
    expect(isStaleMarker(STALE)).toBe(true);
    expect(isStaleMarker(NaN)).toBe(false);
    expect(isStaleMarker(0)).toBe(false);
  });

  it('starts cumulative series when first seen and again 1 ms before a reset; gauges have no start', () => {
    const starts = new StartTimes();
    const ns = (ms: number) => String(BigInt(ms) * 1_000_000n);
    const send = (...values: number[]) =>
      mapMetrics(
        remoteWriteToOtlp(
          {
            timeseries: [
              series({ __name__: 'jobs_total', job: 'j' }, ...values),
              series({ __name__: 'temp', job: 'j' }, ...values),
            ],
          },
          new MetadataCache(),
          starts,
        ).request,
        DEFAULT_LIMITS,
      ).rows;
    const first = send(5, 7);
    expect(first.sum.map((r) => [r.Value, r.StartTimeUnix])).toEqual([
      [5, ns(MS)],
      [7, ns(MS)],
    ]);
    expect(first.gauge.map((r) => BigInt(r.StartTimeUnix))).toEqual([0n, 0n]);
    // A later request: the same series keeps its start; 2 after 9 is a reset at MS + 1000;
    // a stale marker keeps the start and is not a reset.
    const later = send(9, 2, STALE, 3);
    expect(later.sum.map((r) => [r.Value, r.Flags, r.StartTimeUnix])).toEqual([
      [9, 0, ns(MS)],
      [2, 0, ns(MS + 999)],
      [NaN, 1, ns(MS + 999)],
      [3, 0, ns(MS + 999)],
    ]);
  });

  it('takes the unit from metadata, else from _seconds, _bytes and _ratio suffixes', () => {
    const cache = new MetadataCache();
    cache.learn([
      { type: 'GAUGE', metricFamilyName: 'disk_free', help: 'Free.', unit: 'bytes' },
      { type: 'GAUGE', metricFamilyName: 'odd', help: 'Odd.', unit: 'widgets' },
    ]);
    const conv = remoteWriteToOtlp(
      {
        timeseries: [
          series({ __name__: 'disk_free' }, 1),
          series({ __name__: 'odd' }, 1),
          series({ __name__: 'rpc_duration_seconds_bucket', le: '+Inf' }, 1),
          series({ __name__: 'heap_bytes' }, 1),
          series({ __name__: 'cache_hit_ratio' }, 1),
          series({ __name__: 'cpu_seconds_total' }, 1),
          series({ __name__: 'requests_total' }, 1),
          series({ __name__: 'seconds' }, 1),
        ],
      },
      cache,
      new StartTimes(),
    );
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    const units = Object.fromEntries(
      [...rows.gauge, ...rows.sum].map((r) => [r.MetricName, r.MetricUnit]),
    );
    expect(units).toEqual({
      disk_free: 'By',
      odd: 'widgets',
      rpc_duration_seconds_bucket: 's',
      heap_bytes: 'By',
      cache_hit_ratio: '1',
      cpu_seconds_total: 's',
      requests_total: '',
      seconds: '',
    });
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
      new StartTimes(),
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
          {
            labels: labels({ __name__: 'edges' }),
            samples: [
              { value: 1, timestamp: '0' },
              { value: 2, timestamp: '9223372036854' },
              { value: 3, timestamp: '9223372036855' },
            ],
          },
        ],
      },
      new MetadataCache(),
      new StartTimes(),
    );
    // ok, and the first and last milliseconds the store can hold.
    expect(conv.points).toBe(3);
    expect(conv.rejected.count).toBe(4);
    expect(conv.rejected.message()).toContain(
      'timeseries[0].labels: a series needs a __name__ label',
    );
    expect(conv.rejected.message()).toContain("timeseries[1].labels[2]: duplicate label 'x'");
    expect(conv.rejected.message()).toContain(
      'timeseries[3].samples[0].timestamp: expected milliseconds since the epoch',
    );
    expect(conv.rejected.message()).toContain(
      'timeseries[4].samples[2].timestamp: is after the year 2262',
    );
    const { rows, rejected } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rejected.count).toBe(0);
    expect(rows.gauge.filter((r) => r.MetricName === 'edges').map((r) => r.TimeUnix)).toEqual([
      '0'.padStart(19, '0'),
      '9223372036854000000',
    ]);
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
    const starts = new StartTimes(2);
    for (const k of ['a', 'b', 'a', 'c']) starts.startOf(k, '5', 1);
    expect(starts.size).toBe(2);
    // 'b' was the least recently used, so it starts afresh; 'a' keeps its first start.
    expect(starts.startOf('b', '9', 1)).toBe('9');
    expect(starts.startOf('c', '9', 1)).toBe('5');
  });

  it('turns a native histogram stale marker into a point with no recorded value', () => {
    const h = (sum: number, count: string) => ({
      countInt: count,
      sum,
      schema: 0,
      timestamp: String(MS),
    });
    const conv = remoteWriteToOtlp(
      {
        timeseries: [
          {
            labels: labels({ __name__: 'lat_seconds' }),
            histograms: [h(2, '3'), { ...h(STALE, '0'), timestamp: String(MS + 1000) }],
          },
        ],
      },
      new MetadataCache(),
      new StartTimes(),
    );
    const { rows } = mapMetrics(conv.request, DEFAULT_LIMITS);
    expect(rows.exponentialHistogram.map((r) => [r.Count, r.Sum, r.Flags, r.MetricUnit])).toEqual([
      ['3', 2, 0, 's'],
      ['0', NaN, 1, 's'],
    ]);
    expect(new Set(rows.exponentialHistogram.map((r) => r.StartTimeUnix))).toEqual(
      new Set([String(BigInt(MS) * 1_000_000n)]),
    );
  });
});
