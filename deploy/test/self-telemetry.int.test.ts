import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSightline, type RunningSightline } from '../src/all-in-one.ts';
import { nowNanos, select, testConfig } from './harness.ts';

const INTERVAL_MS = 1000;
let s: RunningSightline;

beforeAll(async () => {
  const config = testConfig({
    SIGHTLINE_SELF_TELEMETRY: 'on',
    SIGHTLINE_SELF_TELEMETRY_INTERVAL_MS: String(INTERVAL_MS),
  });
  // Lines of level info and above are what gets shipped; printing them is not the point here.
  const logger = pino({ level: 'info' }, { write: () => undefined });
  s = await startSightline(config, logger);
}, 120_000);
afterAll(async () => s.close(), 60_000);

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean) {
  const deadline = Date.now() + 60_000;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last)}`);
    await sleep(250);
    last = await read();
  }
  return last;
}

const INTERNAL = "ResourceAttributes['sightline.internal'] = 'true'";
const METRIC_TABLES = ['gauge', 'sum', 'histogram'].map((t) => `sightline.otel_metrics_${t}`);

/** Spans, log records and metric points Sightline has stored about itself. */
async function internalItems(): Promise<number> {
  const parts = [
    `SELECT count() AS n FROM sightline.otel_traces WHERE ${INTERNAL}`,
    `SELECT count() AS n FROM sightline.otel_logs WHERE ${INTERNAL}`,
    ...METRIC_TABLES.map((t) => `SELECT count() AS n FROM ${t} WHERE ${INTERNAL}`),
  ];
  const rows = await select<{ n: string }>(
    s,
    `SELECT sum(n) AS n FROM (${parts.join(' UNION ALL ')})`,
  );
  return Number(rows[0]?.n ?? 0);
}

async function internalSpans(): Promise<number> {
  const rows = await select<{ n: string }>(
    s,
    `SELECT count() AS n FROM sightline.otel_traces WHERE ${INTERNAL}`,
  );
  return Number(rows[0]?.n ?? 0);
}

describe('self-telemetry in the all-in-one', () => {
  it('stores its own spans, metrics and logs tagged sightline.internal=true', async () => {
    expect(s.selfTelemetry?.service).toBe('sightline-all-in-one');
    const spans = Array.from({ length: 25 }, (_, i) => ({
      traceId: 'a'.repeat(32),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'checkout',
      startTimeUnixNano: nowNanos(-5),
      endTimeUnixNano: nowNanos(),
    }));
    const res = await fetch(`${s.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        resourceSpans: [
          {
            resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
            scopeSpans: [{ spans }],
          },
        ],
      }),
    });
    expect(res.status).toBe(200);

    // The insert of the request above is one of Sightline's own spans.
    const inserts = await waitFor(
      'insert spans',
      () =>
        select<{ table: string; rows: string; service: string }>(
          s,
          `SELECT SpanAttributes['db.collection.name'] AS table,
                  SpanAttributes['db.response.returned_rows'] AS rows, ServiceName AS service
           FROM sightline.otel_traces WHERE ${INTERNAL} AND SpanName = 'store insert'`,
        ),
      (r) => r.some((x) => x.table === 'sightline.otel_traces' && x.rows === '25'),
    );
    expect(new Set(inserts.map((r) => r.service))).toEqual(new Set(['sightline-all-in-one']));

    // The application's data stays the application's: no internal tag on it.
    const shop = await select<{ internal: string }>(
      s,
      `SELECT ResourceAttributes['sightline.internal'] AS internal
       FROM sightline.otel_traces WHERE ServiceName = 'shop'`,
    );
    expect(shop).toHaveLength(25);
    expect(shop.every((r) => r.internal === '')).toBe(true);

    // The Prometheus self-metrics, bridged: the 25 spans above counted as accepted traces.
    const accepted = await waitFor(
      'bridged item counter',
      async () => {
        const rows = await select<{ v: number }>(
          s,
          `SELECT max(Value) AS v FROM sightline.otel_metrics_sum
           WHERE ${INTERNAL} AND MetricName = 'sightline_otlp_items_total'
             AND Attributes['signal'] = 'traces' AND Attributes['outcome'] = 'accepted'
             AND ServiceName = 'sightline-all-in-one'`,
        );
        return Number(rows[0]?.v ?? 0);
      },
      (v) => v >= 25,
    );
    expect(accepted).toBeGreaterThanOrEqual(25);

    const latency = await waitFor(
      'insert latency histogram',
      () =>
        select<{ table: string; count: string }>(
          s,
          `SELECT Attributes['table'] AS table, toString(max(Count)) AS count
           FROM sightline.otel_metrics_histogram
           WHERE ${INTERNAL} AND MetricName = 'sightline_ingest_insert_seconds'
           GROUP BY table`,
        ),
      (r) => r.some((x) => x.table === 'sightline.otel_traces'),
    );
    expect(Number(latency.find((x) => x.table === 'sightline.otel_traces')?.count)).toBeGreaterThan(
      0,
    );

    const queue = await select<{ n: string }>(
      s,
      `SELECT count() AS n FROM sightline.otel_metrics_gauge
       WHERE ${INTERNAL} AND MetricName = 'sightline_ingest_queue_rows'`,
    );
    expect(Number(queue[0]?.n)).toBeGreaterThan(0);

    // The server's own info lines, shipped through the SDK's log path.
    const logs = await waitFor(
      'internal log line',
      () =>
        select<{ body: string; severity: string }>(
          s,
          `SELECT Body AS body, SeverityText AS severity FROM sightline.otel_logs
           WHERE ${INTERNAL} AND ServiceName = 'sightline-all-in-one'`,
        ),
      (r) => r.some((x) => x.body === 'self-telemetry on'),
    );
    expect(logs.find((x) => x.body === 'self-telemetry on')?.severity).toBe('INFO');
  }, 120_000);

  it('with no outside traffic, its own telemetry stays at a steady, bounded rate', async () => {
    // Let the echo of the first test's traffic die down, then measure two equal windows.
    await sleep(3 * INTERVAL_MS);
    const windowMs = 6 * INTERVAL_MS;
    const items0 = await internalItems();
    const spans0 = await internalSpans();
    await sleep(windowMs);
    const items1 = await internalItems();
    const spans1 = await internalSpans();
    await sleep(windowMs);
    const items2 = await internalItems();
    const spans2 = await internalSpans();
    const first = items1 - items0;
    const second = items2 - items1;
    console.log(
      `internal items per ${windowMs} ms window: ${first}, ${second}; spans: ${spans1 - spans0}, ${spans2 - spans1}`,
    );
    // Still reporting, and not growing: a loop that feeds on itself would grow window by window.
    expect(first).toBeGreaterThan(0);
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(first * 1.5 + 100);
    // Spans only for inserts: a handful per export (one per table written), not one per request.
    const exportsPerWindow = windowMs / INTERVAL_MS + 2;
    expect(spans2 - spans1).toBeLessThanOrEqual(exportsPerWindow * 8);
  }, 120_000);
});
