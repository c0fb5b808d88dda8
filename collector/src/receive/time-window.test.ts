import { compress } from 'snappyjs';
import { afterAll, describe, expect, it } from 'vitest';
import type { RowBatch } from '@sightline/model/rows';
import { DEFAULT_LIMITS, type MapLimits } from '../otlp/values.ts';
import { WriteRequest } from '../prom/remote-write-proto.ts';
import { buildReceiveApp } from './app.ts';

// Items timed far outside now are refused the same way on every protocol: OTLP partial success
// (or the protocol's own error) naming each one, while their good neighbours are stored.

const DAY = 86_400_000;
const limits: MapLimits = {
  ...DEFAULT_LIMITS,
  timeWindow: {
    futureMs: 3_600_000,
    pastMs: { traces: 7 * DAY, logs: 7 * DAY, metrics: 30 * DAY },
  },
};
const stored: RowBatch[] = [];
const app = buildReceiveApp({
  sink: { submit: (_s, _r, rows) => (stored.push(rows), Promise.resolve()) },
  bodyLimitBytes: 1 << 20,
  limits,
});
afterAll(() => app.close());

const now = Date.now();
const ns = (ms: number) => `${BigInt(ms) * 1_000_000n}`;
const YEAR_2200 = Date.UTC(2200, 0, 1);
const json = (url: string, body: unknown) =>
  app.inject({
    method: 'POST',
    url,
    headers: { 'content-type': 'application/json' },
    payload: JSON.stringify(body),
  });
const res = { attributes: [{ key: 'service.name', value: { stringValue: 'clock' } }] };

describe('the accepted time window', () => {
  it('refuses a span from the year 2200 and one older than retention, storing the rest', async () => {
    const span = (id: string, ms: number) => ({
      traceId: '0af7651916cd43dd8448eb211c80319c',
      spanId: id,
      name: 's',
      startTimeUnixNano: ns(ms),
      endTimeUnixNano: ns(ms + 1),
    });
    stored.length = 0;
    const r = await json('/v1/traces', {
      resourceSpans: [
        {
          resource: res,
          scopeSpans: [
            {
              spans: [
                span('00000000000000a1', now),
                span('00000000000000a2', YEAR_2200),
                span('00000000000000a3', now - 8 * DAY),
              ],
            },
          ],
        },
      ],
    });
    expect(r.statusCode).toBe(200);
    const partial = r.json<{ partialSuccess: { rejectedSpans: string; errorMessage: string } }>()
      .partialSuccess;
    expect(Number(partial.rejectedSpans)).toBe(2);
    expect(partial.errorMessage).toContain(
      'resourceSpans[0].scopeSpans[0].spans[1].startTimeUnixNano: 2200-01-01T00:00:00.000Z is outside the accepted time window',
    );
    expect(partial.errorMessage).toContain('spans[2].startTimeUnixNano');
    expect(partial.errorMessage).toContain('the 7-day traces retention');
    expect(stored.flatMap((b) => b.spans.map((s) => s.SpanId))).toEqual(['00000000000000a1']);
  });

  it('names a log record two hours ahead, and keeps a metric point whose start time is long ago', async () => {
    stored.length = 0;
    const logs = await json('/v1/logs', {
      resourceLogs: [
        {
          resource: res,
          scopeLogs: [
            {
              logRecords: [
                { timeUnixNano: ns(now), body: { stringValue: 'now' } },
                { timeUnixNano: ns(now + 2 * 3_600_000), body: { stringValue: 'ahead' } },
              ],
            },
          ],
        },
      ],
    });
    const logsPartial = logs.json<{
      partialSuccess: { rejectedLogRecords: string; errorMessage: string };
    }>().partialSuccess;
    expect(logsPartial.rejectedLogRecords).toBe('1');
    expect(logsPartial.errorMessage).toContain('logRecords[1].timeUnixNano: ');
    const metrics = await json('/v1/metrics', {
      resourceMetrics: [
        {
          resource: res,
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'up',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: [
                      { startTimeUnixNano: '0', timeUnixNano: ns(now), asDouble: 1 },
                      { startTimeUnixNano: '0', timeUnixNano: ns(YEAR_2200), asDouble: 2 },
                    ],
                  },
                },
              ],
            },
          ],
        },
      ],
    });
    expect(metrics.json()).toMatchObject({ partialSuccess: { rejectedDataPoints: '1' } });
    expect(stored.flatMap((b) => b.logs.map((l) => l.Body))).toEqual(['now']);
    expect(stored.flatMap((b) => b.sum.map((p) => p.Value))).toEqual([1]);
  });

  it('applies to Zipkin and remote write, which take the same path', async () => {
    stored.length = 0;
    const zipkin = await json('/api/v2/spans', [
      {
        traceId: '0af7651916cd43dd',
        id: '00000000000000b1',
        name: 'ok',
        timestamp: now * 1000,
        duration: 5,
        localEndpoint: { serviceName: 'z' },
      },
      {
        traceId: '0af7651916cd43dd',
        id: '00000000000000b2',
        name: 'late',
        timestamp: YEAR_2200 * 1000,
        duration: 5,
        localEndpoint: { serviceName: 'z' },
      },
    ]);
    // Zipkin has no partial success: a 400 that names the span and says the rest was stored.
    expect(zipkin.statusCode).toBe(400);
    expect(zipkin.body).toContain('is outside the accepted time window');
    expect(zipkin.body).toContain('the other 1 spans were stored');
    const write = await app.inject({
      method: 'POST',
      url: '/api/v1/write',
      headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
      payload: Buffer.from(
        compress(
          WriteRequest.encode(
            WriteRequest.fromObject({
              timeseries: [
                {
                  labels: [
                    { name: '__name__', value: 'g' },
                    { name: 'job', value: 'j' },
                  ],
                  samples: [
                    { value: 1, timestamp: now },
                    { value: 2, timestamp: now + 3 * 3_600_000 },
                  ],
                },
              ],
            }),
          ).finish(),
        ),
      ),
    });
    expect(write.statusCode).toBe(400);
    expect(write.body).toContain('is outside the accepted time window');
    expect(stored.flatMap((b) => b.spans.map((s) => s.SpanName))).toEqual(['ok']);
    expect(stored.flatMap((b) => b.gauge.map((p) => p.Value))).toEqual([1]);
  });
});
