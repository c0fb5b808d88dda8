import { createServer, type Server } from 'node:http';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OTLP_PATHS, OtlpTestServer, type ReceivedSpan } from '../test/otlp-test-server.ts';
import { callFromOutside, CapturedLines, close, listen } from '../test/helpers.ts';
import {
  createLogger,
  getCorrelationId,
  init,
  shutdown,
  withSpan,
  type SightlineSdk,
} from './index.ts';

// One SDK per test file: vitest runs each file in its own forked process.
let otlp: OtlpTestServer;
let sdk: SightlineSdk;
let app: Server;
let downstream: Server;
let appUrl: string;
let downstreamUrl: string;
const lines = new CapturedLines();

beforeAll(async () => {
  otlp = await OtlpTestServer.start();
  sdk = init({
    service: 'correlation-test',
    endpoint: otlp.url,
    shutdownSignals: false,
    // The fake collector runs in this process; its own requests are not part of the app.
    ignoreIncomingPaths: OTLP_PATHS,
    instrumentations: { runtime: false },
    spans: { scheduledDelayMs: 20 },
    logs: { scheduledDelayMs: 20 },
    // The other tests ship logs through the worker thread; this one covers the main-thread path.
    logWorker: false,
  });
  const log = createLogger({ destination: lines.destination });

  downstream = createServer((req, res) => {
    res.setHeader('content-type', 'application/json');
    res.end(
      JSON.stringify({
        traceparent: req.headers.traceparent ?? null,
        baggage: req.headers.baggage ?? null,
        correlationId: getCorrelationId() ?? null,
      }),
    );
  });
  downstreamUrl = await listen(downstream);

  app = createServer((req, res) => {
    void (async () => {
      log.info({ path: req.url }, 'handling request');
      let fromDownstream: unknown = null;
      if (req.url === '/chain') {
        fromDownstream = await withSpan('call downstream', async () => {
          log.info('calling downstream');
          const response = await fetch(downstreamUrl);
          return response.json();
        });
      }
      res.setHeader('content-type', 'application/json');
      res.end(JSON.stringify({ correlationId: getCorrelationId() ?? null, fromDownstream }));
    })();
  });
  appUrl = await listen(app);
});

afterAll(async () => {
  await close(app);
  await close(downstream);
  await shutdown();
  await otlp.close();
});

async function serverSpanFor(path: string, traceId?: string): Promise<ReceivedSpan> {
  const match = (s: ReceivedSpan): boolean =>
    s.kind === 2 &&
    s.attributes['url.path'] === path &&
    (traceId === undefined || s.traceId === traceId);
  await otlp.waitFor(`server span for ${path}`, () => otlp.spans.some(match));
  return otlp.spans.filter(match).at(-1) as ReceivedSpan;
}

function linesOfTrace(traceId: string): Record<string, unknown>[] {
  return lines.parsed.filter((line) => line.trace_id === traceId);
}

describe('correlation ids', () => {
  it('keeps a caller-supplied x-correlation-id everywhere: response, span, logs, getCorrelationId', async () => {
    const id = 'order-42-c0ffee';
    const response = await callFromOutside(`${appUrl}/with-id`, { 'x-correlation-id': id });

    expect(response.status).toBe(200);
    expect(response.headers.get('x-correlation-id')).toBe(id);
    expect((JSON.parse(response.body) as { correlationId: string }).correlationId).toBe(id);

    const span = await serverSpanFor('/with-id');
    expect(span.parentSpanId).toBe(''); // the caller sent no traceparent: a new trace starts here
    expect(span.attributes['sightline.correlation_id']).toBe(id);
    expect(span.service).toBe('correlation-test');

    const local = linesOfTrace(span.traceId);
    expect(local).toHaveLength(1);
    expect(local[0]).toMatchObject({
      msg: 'handling request',
      trace_id: span.traceId,
      span_id: span.spanId,
      correlation_id: id,
      service: 'correlation-test',
    });

    await otlp.waitFor('shipped log line', () => otlp.logs.some((l) => l.traceId === span.traceId));
    const shipped = otlp.logs.find((l) => l.traceId === span.traceId);
    expect(shipped).toMatchObject({
      body: 'handling request',
      spanId: span.spanId,
      severityText: 'INFO',
      service: 'correlation-test',
    });
    expect(shipped?.attributes.correlation_id).toBe(id);
    expect(shipped?.attributes.path).toBe('/with-id');
  });

  it('accepts x-request-id the same way', async () => {
    const response = await callFromOutside(`${appUrl}/request-id`, { 'x-request-id': 'req-7' });
    expect(response.headers.get('x-correlation-id')).toBe('req-7');
    const span = await serverSpanFor('/request-id');
    expect(span.attributes['sightline.correlation_id']).toBe('req-7');
  });

  it('echoes the trace id when the caller gave no correlation id', async () => {
    const response = await callFromOutside(`${appUrl}/no-id`);
    const span = await serverSpanFor('/no-id');
    expect(span.traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(response.headers.get('x-correlation-id')).toBe(span.traceId);
    expect((JSON.parse(response.body) as { correlationId: string }).correlationId).toBe(
      span.traceId,
    );
    expect(span.attributes).not.toHaveProperty('sightline.correlation_id');
    expect(linesOfTrace(span.traceId)[0]?.correlation_id).toBe(span.traceId);
  });

  it('lets an incoming traceparent win: the trace id is the correlation id', async () => {
    const traceId = '4bf92f3577b34da6a3ce929d0e0e4736';
    const response = await callFromOutside(`${appUrl}/traced`, {
      traceparent: `00-${traceId}-00f067aa0ba902b7-01`,
      'x-correlation-id': 'ignored-because-traced',
    });
    const span = await serverSpanFor('/traced', traceId);
    expect(span.parentSpanId).toBe('00f067aa0ba902b7');
    expect(response.headers.get('x-correlation-id')).toBe(traceId);
  });

  it('sends traceparent and the correlation id (as baggage) on outgoing calls', async () => {
    const id = 'chain-9';
    const response = await callFromOutside(`${appUrl}/chain`, { 'x-correlation-id': id });
    const body = JSON.parse(response.body) as {
      correlationId: string;
      fromDownstream: { traceparent: string; baggage: string; correlationId: string };
    };
    const span = await serverSpanFor('/chain');

    expect(body.correlationId).toBe(id);
    expect(body.fromDownstream.traceparent).toMatch(
      new RegExp(`^00-${span.traceId}-[0-9a-f]{16}-01$`),
    );
    expect(body.fromDownstream.baggage).toContain(`sightline.correlation_id=${id}`);
    expect(body.fromDownstream.correlationId).toBe(id);

    // withSpan made a child of the server span, and the log line inside it names that child.
    await otlp.waitFor('withSpan span', () => otlp.spans.some((s) => s.name === 'call downstream'));
    const child = otlp.spans.find((s) => s.name === 'call downstream') as ReceivedSpan;
    expect(child.traceId).toBe(span.traceId);
    expect(child.parentSpanId).toBe(span.spanId);
    const inner = linesOfTrace(span.traceId).find((l) => l.msg === 'calling downstream');
    expect(inner).toMatchObject({ span_id: child.spanId, correlation_id: id });
  });

  it('returns undefined outside any request', () => {
    expect(getCorrelationId()).toBeUndefined();
  });

  it('sends the API key header when one is configured, and none otherwise', () => {
    expect(sdk.config.headers).toEqual({});
    expect(otlp.requests.every((r) => r.headers['x-sightline-key'] === undefined)).toBe(true);
    expect(otlp.requests.some((r) => r.headers['content-type'] === 'application/x-protobuf')).toBe(
      true,
    );
  });
});
