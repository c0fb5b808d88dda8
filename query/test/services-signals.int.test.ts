import { describe, expect, it } from 'vitest';
import type { ServicesResponse, TraceResponse } from '@sightline/model/api/traces';
import { sendMetrics } from './metrics-fixtures.ts';
import {
  MS,
  SEC,
  api,
  newSpanId,
  newTraceId,
  sendLogs,
  sendSpans,
  single,
  slot,
  window,
  type TestLog,
} from './traces-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/** Services known from any signal, and traces known only from their logs. */
useSightline();

const DAY = 86_400n * SEC;

describe('services from every signal', () => {
  it('lists services that sent only logs or only metrics, with the signals each sent', async () => {
    const t = slot(3);
    const traced = single('sig-traced', 'GET /', t, MS);
    await sendSpans([traced]);
    const log = (service: string, time: bigint): TestLog => ({
      service,
      time,
      traceId: '',
      spanId: '',
      severityNumber: 9,
      severityText: 'INFO',
      body: 'hello',
    });
    await sendLogs([log('sig-traced', t + SEC), log('sig-logs', t + 2n * SEC)]);
    const nanos = String(t + 3n * SEC);
    await sendMetrics('sig-gauge', [
      { name: 'temp', gauge: { dataPoints: [{ timeUnixNano: nanos, asDouble: 0 }] } },
    ]);
    await sendMetrics('sig-histogram', [
      {
        name: 'latency',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              timeUnixNano: nanos,
              count: '1',
              sum: 2,
              bucketCounts: ['1', '0'],
              explicitBounds: [5],
            },
          ],
        },
      },
    ]);
    // Before the range: not listed.
    await sendLogs([log('sig-earlier', slot(2))]);

    const res = await api<ServicesResponse>('/services', window(3));
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      services: ['sig-gauge', 'sig-histogram', 'sig-logs', 'sig-traced'],
      signals: [
        { service: 'sig-gauge', signals: ['metrics'] },
        { service: 'sig-histogram', signals: ['metrics'] },
        { service: 'sig-logs', signals: ['logs'] },
        { service: 'sig-traced', signals: ['traces', 'logs'] },
      ],
    });
  });
});

describe('GET /traces/:traceId known only from logs', () => {
  it('answers the logs with an empty span list, however far apart they are', async () => {
    const traceId = newTraceId();
    const spanId = newSpanId();
    // Two days apart: with no spans there are no trace bounds to narrow the read to.
    const first = slot(5) - 2n * DAY;
    const logs: TestLog[] = [
      {
        service: 'only-logs',
        time: slot(5),
        traceId,
        spanId,
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'payment failed — réessayer',
        attrs: { attempt: '2' },
      },
      {
        service: 'only-logs',
        time: first,
        traceId,
        spanId: '',
        severityNumber: 9,
        severityText: 'INFO',
        body: '',
      },
    ];
    await sendLogs(logs);
    const res = await api<TraceResponse>(`/traces/${traceId.toUpperCase()}`);
    expect(res.status).toBe(200);
    expect(res.body).toEqual({
      traceId,
      spans: [],
      spansTruncated: false,
      logs: [
        {
          timeUnixNano: String(first),
          severityText: 'INFO',
          severityNumber: 9,
          body: '',
          serviceName: 'only-logs',
          spanId: '',
          attributes: {},
        },
        {
          timeUnixNano: String(slot(5)),
          severityText: 'ERROR',
          severityNumber: 17,
          body: 'payment failed — réessayer',
          serviceName: 'only-logs',
          spanId,
          attributes: { attempt: '2' },
        },
      ],
      logsTruncated: false,
    });
    // There is no span to walk, so no critical path; an id nobody sent stays unknown.
    expect((await api(`/traces/${traceId}/critical-path`)).status).toBe(404);
    expect((await api(`/traces/${newTraceId()}`)).status).toBe(404);
  });
});
