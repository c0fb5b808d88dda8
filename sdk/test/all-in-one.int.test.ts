import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogSearchResponse } from '@sightline/model/api/logs';
import type { Span, TraceResponse, TraceSearchResponse } from '@sightline/model/api/traces';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { select, startTestSightline } from '../../deploy/test/harness.ts';
import { getJson, spawnSdkProcess, type Exit, type SdkProcess } from './sdk-process.ts';

/**
 * The SDK against a running Sightline all-in-one (receive + ingest + query on an embedded store),
 * read back only through the query API, as a user would:
 *
 *   test ──► chain-a (fastify) ──► chain-b (node:http) ──► chain-c (express)
 *
 * plus a process that records a known amount of telemetry and calls shutdown(), whose counts
 * are then compared with the store's.
 */

const CHAIN = fileURLToPath(new URL('./fixtures/chain-service.ts', import.meta.url));
const BURST = fileURLToPath(new URL('./fixtures/record-then-shutdown.ts', import.meta.url));
const CORRELATION_ID = 'aio-corr-7';
const RECORDS = 1500;

let sightline: RunningSightline;
const processes: SdkProcess[] = [];
let status = 0;
let correlationHeader: string | null = null;
let chainExits: Exit[] = [];
let burst: SdkProcess;
let trace: TraceResponse;

const api = (path: string): string => `${sightline.apiUrl}/api/v1${path}`;

async function start(name: string, env: Record<string, string>): Promise<SdkProcess> {
  const p = await spawnSdkProcess(name, CHAIN, {
    preload: true,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: sightline.otlpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
      ...env,
    },
  });
  processes.push(p);
  return p;
}

beforeAll(async () => {
  sightline = await startTestSightline();
  burst = await spawnSdkProcess('burst', BURST, {
    preload: false,
    env: { OTEL_EXPORTER_OTLP_ENDPOINT: sightline.otlpUrl, RECORDS: String(RECORDS) },
  });
  processes.push(burst);

  const c = await start('aio-c', { FRAMEWORK: 'express' });
  const b = await start('aio-b', { FRAMEWORK: 'http', NEXT_URL: `http://127.0.0.1:${c.port}` });
  const a = await start('aio-a', { FRAMEWORK: 'fastify', NEXT_URL: `http://127.0.0.1:${b.port}` });
  const res = await fetch(`http://127.0.0.1:${a.port}/work`, {
    headers: { 'x-correlation-id': CORRELATION_ID },
  });
  status = res.status;
  correlationHeader = res.headers.get('x-correlation-id');
  await res.text();

  // SIGTERM flushes each service; the all-in-one answers an export only once it is stored, so
  // after the exits everything is readable.
  for (const p of [a, b, c]) p.child.kill('SIGTERM');
  chainExits = await Promise.all([a, b, c].map((p) => p.exit));
  await burst.exit;

  const found = await getJson<TraceSearchResponse>(api('/traces?service=aio-a'));
  expect(found.traces).toHaveLength(1);
  trace = await getJson<TraceResponse>(api(`/traces/${found.traces[0]?.traceId}`));
}, 120_000);

afterAll(async () => {
  for (const p of processes) p.kill();
  await sightline?.close();
});

function serverSpan(service: string): Span {
  const spans = trace.spans.filter(
    (s) => s.serviceName === service && s.kind === 'Server' && s.attributes['url.path'] === '/work',
  );
  expect(spans, `server spans of ${service}`).toHaveLength(1);
  return spans[0] as Span;
}

describe('three SDK services exporting to the all-in-one', () => {
  it('answers through the chain and exits cleanly after flushing', () => {
    expect(status).toBe(200);
    expect(correlationHeader).toBe(CORRELATION_ID);
    expect(chainExits.map((e) => e.signal ?? e.code)).toEqual(['SIGTERM', 'SIGTERM', 'SIGTERM']);
  });

  it('stores one trace with correct parent/child links across the three services', () => {
    const a = serverSpan('aio-a');
    const b = serverSpan('aio-b');
    const c = serverSpan('aio-c');
    expect(a.parentSpanId).toBe('');
    expect(new Set(trace.spans.map((s) => s.serviceName))).toEqual(
      new Set(['aio-a', 'aio-b', 'aio-c']),
    );
    expect(new Set(trace.spans.map((s) => s.traceId))).toEqual(new Set([trace.traceId]));

    const byId = new Map(trace.spans.map((s) => [s.spanId, s]));
    expect(byId.get(b.parentSpanId)).toMatchObject({ serviceName: 'aio-a', kind: 'Client' });
    expect(byId.get(c.parentSpanId)).toMatchObject({ serviceName: 'aio-b', kind: 'Client' });
    for (const span of trace.spans) {
      let cursor: Span | undefined = span;
      for (let hops = 0; cursor !== undefined && cursor !== a && hops < 50; hops += 1) {
        cursor = byId.get(cursor.parentSpanId);
      }
      expect(cursor, `${span.serviceName} ${span.name} reaches the root`).toBe(a);
    }
    for (const span of [a, b, c]) {
      expect(span.attributes['sightline.correlation_id']).toBe(CORRELATION_ID);
    }
  });

  it("stores every log line of the three services with the trace's id and correlation id", async () => {
    const spanIds = new Set(trace.spans.map((s) => s.spanId));
    // Beside the trace: both lines of each hop, each from one of the trace's spans.
    const hops = trace.logs.filter((l) => l.attributes.hop !== undefined);
    expect(hops.map((l) => `${l.serviceName} ${l.body}`).sort()).toEqual([
      'aio-a done',
      'aio-a handling',
      'aio-b done',
      'aio-b handling',
      'aio-c done',
      'aio-c handling',
    ]);
    for (const line of hops) {
      expect(spanIds.has(line.spanId)).toBe(true);
      expect(line.attributes.correlation_id).toBe(CORRELATION_ID);
    }

    // Through log search: every line the three services logged while handling the request
    // carries the trace id.
    const logs = await getJson<LogSearchResponse>(
      api(`/logs?q=${encodeURIComponent('service:aio-a OR service:aio-b OR service:aio-c')}`),
    );
    expect(logs.rows).toHaveLength(6);
    for (const row of logs.rows) expect(row.traceId).toBe(trace.traceId);

    const byCorrelation = await getJson<LogSearchResponse>(
      api(`/logs?q=${encodeURIComponent(`correlation_id:${CORRELATION_ID}`)}`),
    );
    expect(byCorrelation.rows).toHaveLength(6);
  });
});

describe('shutdown()', () => {
  it('loses nothing that was recorded: the store holds every span, log line and increment', async () => {
    const report = burst.lines.find((l) => l.recorded !== undefined);
    expect(report).toEqual({ recorded: RECORDS, dropped: { spans: 0, logs: 0, metrics: 0 } });
    const [spans] = await select<{ n: string }>(
      sightline,
      "SELECT count() AS n FROM sightline.otel_traces WHERE ServiceName = 'burst'",
    );
    const [logs] = await select<{ n: string }>(
      sightline,
      "SELECT count() AS n FROM sightline.otel_logs WHERE ServiceName = 'burst' AND Body = 'burst item'",
    );
    const [sum] = await select<{ v: number }>(
      sightline,
      "SELECT max(Value) AS v FROM sightline.otel_metrics_sum WHERE ServiceName = 'burst' AND MetricName = 'burst.items'",
    );
    expect(Number(spans?.n)).toBe(RECORDS);
    expect(Number(logs?.n)).toBe(RECORDS);
    expect(sum?.v).toBe(RECORDS);
  });
});
