/** The browser tests' shop: traces across three services, their logs, a metric, a big trace. */
import {
  hex,
  nanos,
  postOtlp,
  resource,
  sendBigTrace,
  str,
  tracesBody,
  type SpanSpec,
} from './e2e-support.ts';

export const SLOW_TRACE = 'f'.repeat(8) + hex(1, 24);
export const BIG_TRACE = 'b'.repeat(8) + hex(2, 24);
export const CHARGE_SPAN = 'c'.repeat(8) + hex(1, 8);
export const ERROR_TEXT = 'card declined for order 4242';

// Every timestamp from one base, so spans sent in separate requests line up.
export const BASE_MS = Date.now();
const nowNanos = (offsetMs: number): string => nanos(BASE_MS, offsetMs);

/** frontend GET /checkout → payments POST /charge → charge card; one slow, failing trace. */
export async function sendShopData(otlpUrl: string): Promise<void> {
  const post = (path: string, body: unknown) => postOtlp(otlpUrl, path, body);
  const front: SpanSpec[] = [];
  const pay: SpanSpec[] = [];
  for (let i = 0; i < 12; i++) {
    const slow = i === 0;
    const traceId = slow ? SLOW_TRACE : 'a'.repeat(8) + hex(100 + i, 24);
    const start = -20 * 60_000 + i * 60_000;
    const dur = slow ? 1800 : 30 + i * 5;
    const root = hex(10 + i, 16);
    const client = hex(40 + i, 16);
    const server = hex(70 + i, 16);
    front.push(
      {
        traceId,
        spanId: root,
        name: 'GET /checkout',
        kind: 2,
        startMs: start,
        durMs: dur,
        attributes: [str('http.route', '/checkout')],
      },
      {
        traceId,
        spanId: client,
        parentSpanId: root,
        name: 'call payments',
        kind: 3,
        startMs: start + 2,
        durMs: dur - 4,
      },
    );
    pay.push(
      {
        traceId,
        spanId: server,
        parentSpanId: client,
        name: 'POST /charge',
        kind: 2,
        startMs: start + 3,
        durMs: dur - 6,
        error: slow ? 'charge failed' : undefined,
      },
      {
        traceId,
        spanId: slow ? CHARGE_SPAN : hex(200 + i, 16),
        parentSpanId: server,
        name: 'charge card',
        kind: 1,
        startMs: start + 5,
        durMs: dur - 20,
        error: slow ? ERROR_TEXT : undefined,
        attributes: [str('payment.provider', 'acme'), str('order.id', slow ? '4242' : String(i))],
      },
    );
  }
  await post('/v1/traces', tracesBody(BASE_MS, 'frontend', front));
  await post('/v1/traces', tracesBody(BASE_MS, 'payments', pay));
  const log = (
    body: string,
    sev: number,
    text: string,
    startMs: number,
    traceId = '',
    spanId = '',
  ) => ({
    timeUnixNano: nowNanos(startMs),
    severityNumber: sev,
    severityText: text,
    body: { stringValue: body },
    traceId,
    spanId,
    attributes: [str('order.id', '4242')],
  });
  await post('/v1/logs', {
    resourceLogs: [
      {
        resource: resource('payments'),
        scopeLogs: [
          {
            logRecords: [
              log('charging card', 9, 'INFO', -20 * 60_000 + 6, SLOW_TRACE, CHARGE_SPAN),
              log(ERROR_TEXT, 17, 'ERROR', -20 * 60_000 + 1700, SLOW_TRACE, CHARGE_SPAN),
              ...Array.from({ length: 30 }, (_, i) =>
                log(
                  `heartbeat ${i}`,
                  i % 5 === 0 ? 13 : 9,
                  i % 5 === 0 ? 'WARN' : 'INFO',
                  -i * 60_000,
                ),
              ),
            ],
          },
        ],
      },
    ],
  });
  const point = (minutesAgo: number, queue: string, v: number) => ({
    timeUnixNano: nowNanos(-minutesAgo * 60_000),
    asDouble: v,
    attributes: [str('queue', queue)],
  });
  await post('/v1/metrics', {
    resourceMetrics: [
      {
        resource: resource('payments'),
        scopeMetrics: [
          {
            metrics: [
              {
                name: 'e2e.queue.depth',
                unit: '{items}',
                description: 'items waiting',
                gauge: {
                  dataPoints: Array.from({ length: 20 }, (_, i) => [
                    point(i * 2, 'charges', 10 + (i % 7)),
                    point(i * 2, 'refunds', 2 + (i % 3)),
                  ]).flat(),
                },
              },
            ],
          },
        ],
      },
    ],
  });
  await sendBigTrace(otlpUrl, BASE_MS, BIG_TRACE);
}
