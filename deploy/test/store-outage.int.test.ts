import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { nowNanos, select, startTestSightline } from './harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

const request = (client: number, attempt: number) => ({
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'outage' } }] },
      scopeSpans: [
        {
          spans: Array.from({ length: 10 }, (_, i) => ({
            traceId: `${client.toString(16).padStart(8, '0')}${'c'.repeat(24)}`,
            spanId: `${client.toString(16).padStart(8, '0')}${i.toString(16).padStart(8, '0')}`,
            name: `attempt-${attempt}`,
            startTimeUnixNano: nowNanos(-10),
            endTimeUnixNano: nowNanos(),
          })),
        },
      ],
    },
  ],
});

/** An OTLP client as the spec describes it: on 429/503 wait Retry-After, then send the same data again. */
async function sendUntilAccepted(
  client: number,
  log: { status: number; retryAfter: string | null }[],
) {
  const body = JSON.stringify(request(client, 0));
  for (;;) {
    const res = await fetch(`${s.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body,
    });
    log.push({ status: res.status, retryAfter: res.headers.get('retry-after') });
    if (res.status === 200) return;
    expect([429, 503]).toContain(res.status);
    await new Promise((r) => setTimeout(r, Number(res.headers.get('retry-after')) * 1000));
  }
}

describe('store outage', () => {
  it('answers 503 with Retry-After while the store is down, then stores every span exactly once', async () => {
    await s.store.writer.command({ query: 'DETACH TABLE sightline.otel_traces' });
    const log: { status: number; retryAfter: string | null }[] = [];
    const clients = Array.from({ length: 30 }, (_, c) => sendUntilAccepted(c + 1, log));
    await new Promise((r) => setTimeout(r, 3000));
    const refusedWhileDown = log.filter((l) => l.status === 503);
    expect(refusedWhileDown.length).toBeGreaterThan(0);
    expect(refusedWhileDown.every((l) => Number(l.retryAfter) >= 1)).toBe(true);
    expect(log.some((l) => l.status === 200)).toBe(false);
    await s.store.writer.command({ query: 'ATTACH TABLE sightline.otel_traces' });
    await Promise.all(clients);

    const [r] = await select<{ n: string; distinct: string }>(
      s,
      "SELECT count() AS n, uniqExact(SpanId) AS distinct FROM sightline.otel_traces WHERE ServiceName = 'outage'",
    );
    expect(r).toEqual({ n: '300', distinct: '300' });
    expect(s.writer.stats.failedInserts).toBeGreaterThan(0);
  });

  it('stores each table of a metrics export once when only one table was down', async () => {
    const point = (name: string, kind: 'gauge' | 'sum') => ({
      name,
      [kind]: {
        ...(kind === 'sum' ? { aggregationTemporality: 2, isMonotonic: true } : {}),
        dataPoints: [{ timeUnixNano: nowNanos(), asDouble: 42 }],
      },
    });
    const body = JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'half-down' } }] },
          scopeMetrics: [{ metrics: [point('queue.depth', 'gauge'), point('jobs.done', 'sum')] }],
        },
      ],
    });
    const send = () =>
      fetch(`${s.otlpUrl}/v1/metrics`, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
      });
    await s.store.writer.command({ query: 'DETACH TABLE sightline.otel_metrics_sum' });
    const refused = await send();
    expect(refused.status).toBe(503);
    await s.store.writer.command({ query: 'ATTACH TABLE sightline.otel_metrics_sum' });
    await new Promise((r) => setTimeout(r, Number(refused.headers.get('retry-after')) * 1000));
    const again = await send();
    expect({ status: again.status, body: await again.text() }).toEqual({ status: 200, body: '{}' });
    const counts = await select<{ g: string; s: string }>(
      s,
      `SELECT (SELECT count() FROM sightline.otel_metrics_gauge WHERE ServiceName = 'half-down') AS g,
              (SELECT count() FROM sightline.otel_metrics_sum WHERE ServiceName = 'half-down') AS s`,
    );
    expect(counts).toEqual([{ g: '1', s: '1' }]);
  });
});
