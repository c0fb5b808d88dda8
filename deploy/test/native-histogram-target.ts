import { createServer, type Server } from 'node:http';
import protobuf from 'protobufjs';

/**
 * A scrape target exposing one histogram as a Prometheus native histogram, over the protobuf
 * exposition format (io.prometheus.client.MetricFamily, length-delimited), and the same
 * histogram's points as OTLP exponential histogram points. Two series: path="/a" at scale 3,
 * which resets every 20th scrape, and path="/b" at scale 1. Each scrape adds observations below,
 * above and at zero. Every exposition carries its timestamp, so both sides hold the same samples.
 */

// The exposition's messages (the field numbers of client_model's metrics.proto, which Prometheus
// 2.42 reads: native histogram fields 5–14 of Histogram).
const PROTO = `syntax = "proto3";
package io.prometheus.client;
message LabelPair { string name = 1; string value = 2; }
message BucketSpan { sint32 offset = 1; uint32 length = 2; }
message Histogram {
  uint64 sample_count = 1;
  double sample_sum = 2;
  sint32 schema = 5;
  double zero_threshold = 6;
  uint64 zero_count = 7;
  repeated BucketSpan negative_span = 9;
  repeated sint64 negative_delta = 10;
  repeated BucketSpan positive_span = 12;
  repeated sint64 positive_delta = 13;
}
message Metric { repeated LabelPair label = 1; Histogram histogram = 7; int64 timestamp_ms = 6; }
message MetricFamily { string name = 1; string help = 2; int32 type = 3; repeated Metric metric = 4; }
`;
const HISTOGRAM_TYPE = 4;
export const CONTENT_TYPE =
  'application/vnd.google.protobuf; proto=io.prometheus.client.MetricFamily; encoding=delimited';

/** One series' histogram at one time; buckets by OTLP index (k holds (2^(k·2^−s), 2^((k+1)·2^−s)]). */
export interface HistogramPoint {
  readonly t: number;
  readonly start: number;
  readonly scale: number;
  readonly count: number;
  readonly sum: number;
  readonly zero: number;
  readonly positive: ReadonlyMap<number, number>;
  readonly negative: ReadonlyMap<number, number>;
}

export const SERIES = [
  { path: '/a', scale: 3, resetEvery: 20 },
  { path: '/b', scale: 1, resetEvery: 0 },
] as const;

/** The observations series `s` gains at scrape n. */
function observations(n: number, s: number): number[] {
  return [
    0.01 * (1 + (n % 7)),
    0.3 + 0.05 * (n % 5) + s * 0.1,
    1.7 * (1 + (n % 3)),
    n % 4 === 0 ? 0 : 0.5,
    0,
    -0.2 * (1 + (n % 3)),
    n % 6 === 0 ? -7.5 : 12.5 + s,
  ];
}

/** The OTLP bucket index of |v| > 0 at `scale`. */
const indexOf = (v: number, scale: number) => Math.ceil(Math.log2(Math.abs(v)) * 2 ** scale) - 1;

/** Prometheus spans and deltas of buckets by Prometheus index (OTLP index + 1). */
function spans(buckets: ReadonlyMap<number, number>) {
  const keys = [...buckets.keys()].map((k) => k + 1).sort((a, b) => a - b);
  const out: { offset: number; length: number }[] = [];
  const delta: number[] = [];
  let prevKey = 0;
  let prevCount = 0;
  keys.forEach((key, j) => {
    const last = out[out.length - 1];
    if (last && key === prevKey + 1) last.length += 1;
    else out.push({ offset: j === 0 ? key : key - prevKey - 1, length: 1 });
    const count = buckets.get(key - 1) ?? 0;
    delta.push(count - prevCount);
    prevKey = key;
    prevCount = count;
  });
  return { spans: out, delta };
}

export interface NativeHistogramTarget {
  readonly server: Server;
  readonly address: string;
  /** Every point served, by path. */
  readonly served: ReadonlyMap<string, readonly HistogramPoint[]>;
  close(): Promise<void>;
}

export async function startNativeHistogramTarget(): Promise<NativeHistogramTarget> {
  const root = protobuf.parse(PROTO).root;
  const Family = root.lookupType('io.prometheus.client.MetricFamily');
  let n = 0;
  const served = new Map<string, HistogramPoint[]>(SERIES.map((s) => [s.path, []]));
  const state = SERIES.map(() => ({
    start: Date.now(),
    count: 0,
    sum: 0,
    zero: 0,
    positive: new Map<number, number>(),
    negative: new Map<number, number>(),
  }));
  const server = createServer((req, res) => {
    if (req.url !== '/metrics') {
      res.writeHead(404).end();
      return;
    }
    n += 1;
    const t = Date.now();
    const metric = SERIES.map((series, s) => {
      const h = state[s]!;
      if (series.resetEvery > 0 && n % series.resetEvery === 0) {
        Object.assign(h, { start: t - 1, count: 0, sum: 0, zero: 0 });
        h.positive.clear();
        h.negative.clear();
      }
      for (const v of observations(n, s)) {
        h.count += 1;
        h.sum += v;
        if (v === 0) h.zero += 1;
        else {
          const side = v > 0 ? h.positive : h.negative;
          const k = indexOf(v, series.scale);
          side.set(k, (side.get(k) ?? 0) + 1);
        }
      }
      served.get(series.path)!.push({
        t,
        start: h.start,
        scale: series.scale,
        count: h.count,
        sum: h.sum,
        zero: h.zero,
        positive: new Map(h.positive),
        negative: new Map(h.negative),
      });
      const pos = spans(h.positive);
      const neg = spans(h.negative);
      return {
        label: [{ name: 'path', value: series.path }],
        timestampMs: t,
        histogram: {
          sampleCount: h.count,
          sampleSum: h.sum,
          schema: series.scale,
          zeroThreshold: 0,
          zeroCount: h.zero,
          positiveSpan: pos.spans,
          positiveDelta: pos.delta,
          negativeSpan: neg.spans,
          negativeDelta: neg.delta,
        },
      };
    });
    const family = Family.create({
      name: 'nh_latency_seconds',
      help: 'Latency, native.',
      type: HISTOGRAM_TYPE,
      metric,
    });
    res.writeHead(200, { 'content-type': CONTENT_TYPE });
    res.end(Family.encodeDelimited(family).finish());
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const a = server.address();
  if (a === null || typeof a === 'string') throw new Error('target has no TCP address');
  return {
    server,
    address: `127.0.0.1:${a.port}`,
    served,
    close: () => new Promise((r) => server.close(() => r())),
  };
}

/** OTLP/JSON exponential histogram points of `points` (dense buckets from the lowest index). */
export function otlpPoints(path: string, points: readonly HistogramPoint[]) {
  const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
  const dense = (m: ReadonlyMap<number, number>) => {
    if (m.size === 0) return { offset: 0, bucketCounts: [] };
    const lo = Math.min(...m.keys());
    const hi = Math.max(...m.keys());
    const bucketCounts = Array.from({ length: hi - lo + 1 }, (_, j) => String(m.get(lo + j) ?? 0));
    return { offset: lo, bucketCounts };
  };
  return points.map((h) => ({
    attributes: [{ key: 'path', value: { stringValue: path } }],
    startTimeUnixNano: ns(h.start),
    timeUnixNano: ns(h.t),
    count: String(h.count),
    sum: h.sum,
    scale: h.scale,
    zeroCount: String(h.zero),
    positive: dense(h.positive),
    negative: dense(h.negative),
  }));
}
