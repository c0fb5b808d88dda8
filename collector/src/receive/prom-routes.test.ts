import { compress } from 'snappyjs';
import { afterAll, describe, expect, it } from 'vitest';
import { SightlineError } from '@sightline/model/errors';
import type { RowBatch } from '@sightline/model/rows';
import { toProtoMessage } from '../kafka/proto-messages.ts';
import { REQUEST_TYPES } from '../otlp/proto.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { MAX_EMPTY_BUCKETS } from '../prom/native-histogram.ts';
import { WriteRequest } from '../prom/remote-write-proto.ts';
import { buildReceiveApp } from './app.ts';
import { toRows } from './to-rows.ts';

const submitted: { request: unknown; rows: RowBatch }[] = [];
let refuse: SightlineError | undefined;
const app = buildReceiveApp({
  sink: {
    submit: (signal, request, rows) => {
      if (refuse) return Promise.reject(refuse);
      expect(signal).toBe('metrics');
      submitted.push({ request, rows });
      return Promise.resolve();
    },
  },
  bodyLimitBytes: 1 << 20,
  limits: DEFAULT_LIMITS,
});
afterAll(() => app.close());

const now = Date.now();
const body = (o: object) =>
  Buffer.from(compress(WriteRequest.encode(WriteRequest.fromObject(o)).finish()));
const ts = (name: string, value: number, extra: { name: string; value: string }[] = []) => ({
  labels: [{ name: '__name__', value: name }, { name: 'job', value: 'j' }, ...extra],
  samples: [{ value, timestamp: now }],
});
const post = (payload: Buffer, headers: Record<string, string> = {}) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/write',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...headers,
    },
    body: payload,
  });

describe('POST /api/v1/write', () => {
  it('stores samples and answers 204; the request encodes for Kafka', async () => {
    submitted.length = 0;
    // Prometheus' stale marker, then a zero, a plain NaN and an infinity: every one is kept.
    const stale = new Float64Array(new BigUint64Array([0x7ff0000000000002n]).buffer)[0]!;
    const res = await post(
      body({
        timeseries: [
          ts('up', 1),
          ts('reqs_total', 9, [{ name: 'code', value: '200' }]),
          ts('gone', stale),
          ts('down', 0),
          ts('nan', NaN),
          ts('inf', -Infinity),
        ],
      }),
    );
    expect(res.statusCode).toBe(204);
    const rows = submitted[0]?.rows;
    expect(rows?.gauge.map((r) => [r.MetricName, r.Value, r.Flags])).toEqual([
      ['up', 1, 0],
      ['gone', NaN, 1],
      ['down', 0, 0],
      ['nan', NaN, 0],
      ['inf', -Infinity, 0],
    ]);
    expect(rows?.sum.map((r) => [r.MetricName, r.Attributes, r.StartTimeUnix])).toEqual([
      ['reqs_total', { code: '200' }, String(BigInt(now) * 1_000_000n)],
    ]);
    // Kafka mode publishes the request as OTLP protobuf and ingest maps it again: same rows.
    const type = REQUEST_TYPES.metrics;
    const wire = type.encode(toProtoMessage('metrics', submitted[0]?.request)).finish();
    expect(toRows('metrics', type.decode(wire), DEFAULT_LIMITS).batch).toEqual(submitted[0]?.rows);
  });

  it('answers 204 to a metadata-only request without storing anything', async () => {
    submitted.length = 0;
    const res = await post(body({ metadata: [{ type: 'COUNTER', metricFamilyName: 'x' }] }));
    expect(res.statusCode).toBe(204);
    expect(submitted).toEqual([]);
  });

  it('answers 400 for bad snappy or protobuf, storing nothing, and accepts the next request', async () => {
    submitted.length = 0;
    const snappy = await post(Buffer.from('definitely not snappy'));
    expect(snappy.statusCode).toBe(400);
    expect(snappy.body).toMatch(/snappy/);
    const proto = await post(Buffer.from(compress(Buffer.from([0x0a, 0xff, 0xff, 0xff, 0x0f]))));
    expect(proto.statusCode).toBe(400);
    expect(proto.body).toMatch(/prometheus.WriteRequest/);
    expect(submitted).toEqual([]);
    expect((await post(body({ timeseries: [ts('up', 1)] }))).statusCode).toBe(204);
    expect(submitted).toHaveLength(1);
  });

  it('stores the good series and answers 400 naming the bad one', async () => {
    submitted.length = 0;
    const res = await post(
      body({
        timeseries: [
          ts('up', 1),
          { labels: [{ name: 'job', value: 'j' }], samples: [{ value: 1, timestamp: now }] },
        ],
      }),
    );
    expect(res.statusCode).toBe(400);
    expect(res.body).toContain('timeseries[1].labels: a series needs a __name__ label');
    expect(submitted[0]?.rows.gauge).toHaveLength(1);
  });

  it('answers 415 to remote write 2.0 and to a body that is not snappy-encoded', async () => {
    const v2 = await post(body({}), {
      'content-type': 'application/x-protobuf;proto=io.prometheus.write.v2.Request',
    });
    expect(v2.statusCode).toBe(415);
    expect((await post(body({}), { 'content-encoding': 'gzip' })).statusCode).toBe(415);
  });

  it('passes a 429 from the sink on with Retry-After, so Prometheus retries', async () => {
    refuse = new SightlineError('SL_ERR_QUEUE_FULL', 429, 'the queue is full', 3);
    try {
      const res = await post(body({ timeseries: [ts('up', 1)] }));
      expect(res.statusCode).toBe(429);
      expect(res.headers['retry-after']).toBe('3');
    } finally {
      refuse = undefined;
    }
  });

  it('answers native histograms with huge bucket gaps at once: downscaled or 400 (the CI hang)', async () => {
    submitted.length = 0;
    const gap = (offset: number) => ({
      labels: [{ name: '__name__', value: 'latency' }],
      histograms: [
        {
          countInt: 2,
          schema: 8,
          positiveSpans: [
            { offset: 0, length: 1 },
            { offset, length: 1 },
          ],
          positiveDeltas: [1, 0],
          timestamp: now,
        },
      ],
    });
    const payload = body({ timeseries: [gap(2 ** 31 - 1)] });
    expect(payload.length).toBeLessThan(60);
    const bad = await post(payload);
    expect(bad.statusCode).toBe(400);
    expect(bad.body).toMatch(/timeseries\[0\]\.histograms\[0\]\.positive\.spans\[1\]\.offset/);
    expect(submitted).toHaveLength(0);
    const res = await post(body({ timeseries: [gap(200_000)] }));
    expect(res.statusCode).toBe(204);
    const [point] = submitted[0]!.rows.exponentialHistogram;
    expect(point!.PositiveBucketCounts.length).toBeLessThanOrEqual(2 * 2 + MAX_EMPTY_BUCKETS);
    expect(point!.PositiveBucketCounts.reduce((n, c) => n + Number(c), 0)).toBe(2);
  });
});
