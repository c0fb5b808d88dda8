import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import zipkin from 'zipkin';
import { HttpLogger } from 'zipkin-transport-http';
import type { TraceResponse } from '@sightline/model/api/traces';
import type { RunningSightline } from '../src/all-in-one.ts';
import { select, startTestSightline } from './harness.ts';

const { BatchRecorder, ExplicitContext, Instrumentation, Tracer, jsonEncoder, option } = zipkin;

let s: RunningSightline;
const servers: Server[] = [];
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => {
  for (const server of servers) await new Promise((r) => server.close(r));
  await s.close();
});

/** One instrumented service: a zipkin-js tracer reporting Zipkin v2 JSON over HTTP to Sightline. */
function zipkinService(name: string) {
  const logger = new HttpLogger({
    endpoint: `${s.otlpUrl}/api/v2/spans`,
    jsonEncoder: jsonEncoder.JSON_V2,
    // Flushed by the test (below), so each service's spans travel in one request, as they
    // would in one reporting interval.
    httpInterval: 3_600_000,
  });
  const tracer = new Tracer({
    ctxImpl: new ExplicitContext(),
    recorder: new BatchRecorder({ logger }),
    localServiceName: name,
  });
  const client = new Instrumentation.HttpClient({ tracer });
  /** An outgoing call in the current trace context, the way zipkin's fetch wrapper makes it. */
  const call = (url: string): Promise<{ status: number; traceId: string }> =>
    tracer.scoped(() => {
      const opts = client.recordRequest<{ headers: Record<string, string> }>(
        { headers: {} },
        url,
        'GET',
      );
      const id = tracer.id;
      return fetch(url, opts).then((res) => {
        tracer.scoped(() => client.recordResponse(id, String(res.status)));
        return { status: res.status, traceId: id.traceId };
      });
    });
  // processQueue is HttpLogger's flush (public in its source, absent from its typings).
  const flush = () =>
    (logger as unknown as { processQueue(f: typeof fetch): void }).processQueue(fetch);
  return { tracer, call, flush };
}

/** An HTTP server instrumented with zipkin's server instrumentation; `work` runs in its span. */
async function listen(
  svc: ReturnType<typeof zipkinService>,
  work: () => Promise<number>,
): Promise<string> {
  const server = createServer((req: IncomingMessage, res) => {
    const readHeader = <T>(header: string): zipkin.option.IOption<T> => {
      const v = req.headers[header.toLowerCase()];
      return typeof v === 'string' ? new option.Some(v as T) : option.None;
    };
    svc.tracer.scoped(() => {
      const id = instrumentation.recordRequest(req.method ?? 'GET', req.url ?? '/', readHeader);
      void svc.tracer.letId(id, work).then((status) => {
        svc.tracer.scoped(() => instrumentation.recordResponse(id, String(status)));
        res.writeHead(status).end();
      });
    });
  });
  servers.push(server);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const port = (server.address() as AddressInfo).port;
  // Created once the port is known; requests (which use it) only come after that.
  const instrumentation = new Instrumentation.HttpServer({ tracer: svc.tracer, port });
  return `http://127.0.0.1:${port}`;
}

async function traceById(id: string, spans: number): Promise<TraceResponse> {
  for (let i = 0; ; i++) {
    const res = await fetch(`${s.apiUrl}/api/v1/traces/${id}`);
    if (res.status === 200) {
      const body = (await res.json()) as TraceResponse;
      if (body.spans.length >= spans) return body;
    }
    if (i > 120)
      throw new Error(`trace ${id}: ${spans} spans not found (last status ${res.status})`);
    await new Promise((r) => setTimeout(r, 250));
  }
}

const postSpans = (body: string, contentType = 'application/json') =>
  fetch(`${s.otlpUrl}/api/v2/spans`, {
    method: 'POST',
    headers: { 'content-type': contentType },
    body,
  });

describe('Zipkin v2 from zipkin-js', () => {
  it('stores a three-service call chain with its parent/child links and services', async () => {
    const frontend = zipkinService('frontend');
    const orders = zipkinService('orders');
    const stock = zipkinService('stock');
    const stockUrl = await listen(stock, () => Promise.resolve(200));
    const ordersUrl = await listen(orders, async () => {
      const { status } = await orders.call(`${stockUrl}/reserve`);
      return status === 200 ? 200 : 502;
    });
    // The chain starts with a client call made outside any server span: a new trace.
    const res = await frontend.call(`${ordersUrl}/orders`);
    expect(res.status).toBe(200);
    for (const svc of [frontend, orders, stock]) svc.flush();

    // zipkin-js makes 64-bit trace ids by default; stored as the low half of a 128-bit id.
    expect(res.traceId).toMatch(/^[0-9a-f]{16}$/);
    const traceId = res.traceId.padStart(32, '0');
    const trace = await traceById(traceId, 4);
    expect(trace.spans).toHaveLength(4);
    const find = (service: string, kind: string) => {
      const span = trace.spans.find((x) => x.serviceName === service && x.kind === kind);
      if (!span) throw new Error(`no ${kind} span of ${service}: ${JSON.stringify(trace.spans)}`);
      return span;
    };
    const frontendClient = find('frontend', 'Client');
    const ordersServer = find('orders', 'Server');
    const ordersClient = find('orders', 'Client');
    const stockServer = find('stock', 'Server');

    expect(frontendClient.parentSpanId).toBe('');
    // zipkin-js joins the server to the client's span id (a shared span); the server half gets
    // its own id and becomes the client half's child.
    expect(ordersServer.parentSpanId).toBe(frontendClient.spanId);
    expect(ordersServer.spanId).not.toBe(frontendClient.spanId);
    expect(ordersClient.parentSpanId).toBe(ordersServer.spanId);
    expect(stockServer.parentSpanId).toBe(ordersClient.spanId);
    expect(new Set(trace.spans.map((x) => x.spanId)).size).toBe(4);

    expect(ordersServer.name).toBe('get');
    expect(ordersServer.attributes).toMatchObject({
      'http.path': '/orders',
      'http.status_code': '200',
    });
    expect(stockServer.attributes['http.path']).toBe('/reserve');
    expect(BigInt(ordersServer.startTimeUnixNano)).toBeGreaterThanOrEqual(
      BigInt(frontendClient.startTimeUnixNano),
    );
    expect(BigInt(frontendClient.durationNano)).toBeGreaterThan(0n);
  });

  it('answers 400 to malformed bodies and stores the next valid post', async () => {
    const notJson = await postSpans('[{"traceId": "abc"');
    expect(notJson.status).toBe(400);
    expect(await notJson.text()).toMatch(/^the body is not valid JSON/);

    const badId = await postSpans(
      JSON.stringify([{ traceId: 'xyz', id: '0000000000000001', timestamp: Date.now() * 1000 }]),
    );
    expect(badId.status).toBe(400);
    expect(await badId.text()).toContain('spans[0].traceId: expected 16 or 32 hex characters');
    expect((await postSpans('[]', 'application/x-thrift')).status).toBe(415);

    const traceId = 'abcdef0123456789abcdef0123456789';
    const ok = await postSpans(
      JSON.stringify([
        {
          traceId,
          id: '00000000000000aa',
          name: 'after-bad-input',
          kind: 'SERVER',
          timestamp: Date.now() * 1000,
          duration: 1200,
          localEndpoint: { serviceName: 'late' },
          remoteEndpoint: { serviceName: 'caller', ipv4: '10.1.2.3', port: 4000 },
          annotations: [{ timestamp: Date.now() * 1000 + 100, value: 'cache.miss' }],
          tags: { error: 'upstream timeout' },
        },
      ]),
    );
    expect(ok.status).toBe(202);
    const trace = await traceById(traceId, 1);
    expect(trace.spans[0]).toMatchObject({
      name: 'after-bad-input',
      serviceName: 'late',
      kind: 'Server',
      durationNano: '1200000',
      statusCode: 'Error',
      statusMessage: 'upstream timeout',
      attributes: {
        'peer.service': 'caller',
        'net.peer.ip': '10.1.2.3',
        'client.address': '10.1.2.3',
      },
    });
    expect(trace.spans[0]?.events.map((e) => e.name)).toEqual(['cache.miss']);
    // Nothing from the rejected posts was stored.
    const stray = await select<{ n: string }>(
      s,
      "SELECT count() AS n FROM sightline.otel_traces WHERE SpanId = '0000000000000001'",
    );
    expect(Number(stray[0]?.n)).toBe(0);
  });
});
