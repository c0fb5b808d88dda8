import { describe, expect, it } from 'vitest';
import { mapTraces } from '../otlp/map-traces.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { sharedSpanId, zipkinToOtlp } from './to-otlp.ts';

const T = 1_700_000_000_000_000; // µs
const rows = (spans: unknown[]) => mapTraces(zipkinToOtlp(spans).request, DEFAULT_LIMITS).rows;

describe('zipkinToOtlp', () => {
  it('maps ids, kind, times, endpoints, annotations and tags to span rows', () => {
    const [row, ...rest] = rows([
      {
        traceId: '463AC35C9F6413AD',
        id: 'a2fb4a1d1a96d312',
        parentId: '0020000000000001',
        name: 'get /api',
        kind: 'CLIENT',
        timestamp: T,
        duration: 1500,
        localEndpoint: { serviceName: 'Frontend', ipv4: '10.0.0.1', port: 8080 },
        remoteEndpoint: { serviceName: 'backend', ipv4: '10.0.0.2', port: 9000 },
        annotations: [{ timestamp: T + 10, value: 'retrying' }],
        tags: { 'http.path': '/api', 'http.status_code': 200 },
        debug: true,
      },
    ]);
    expect(rest).toEqual([]);
    expect(row).toMatchObject({
      TraceId: '0000000000000000463ac35c9f6413ad',
      SpanId: 'a2fb4a1d1a96d312',
      ParentSpanId: '0020000000000001',
      SpanName: 'get /api',
      SpanKind: 'Client',
      ServiceName: 'frontend',
      Timestamp: String(BigInt(T) * 1000n),
      Duration: '1500000',
      StatusCode: 'Unset',
      'Events.Name': ['retrying'],
      'Events.Timestamp': [String(BigInt(T + 10) * 1000n)],
    });
    expect(row?.SpanAttributes).toEqual({
      'net.host.ip': '10.0.0.1',
      'net.host.port': '8080',
      'peer.service': 'backend',
      'net.peer.ip': '10.0.0.2',
      'net.peer.port': '9000',
      'server.address': '10.0.0.2',
      'server.port': '9000',
      'zipkin.debug': 'true',
      'http.path': '/api',
      'http.status_code': '200',
    });
  });

  it('keeps 128-bit trace ids and groups spans by local service', () => {
    const conv = zipkinToOtlp([
      {
        traceId: 'a'.repeat(32),
        id: '1'.repeat(16),
        timestamp: T,
        localEndpoint: { serviceName: 'a' },
      },
      {
        traceId: 'a'.repeat(32),
        id: '2'.repeat(16),
        timestamp: T,
        localEndpoint: { serviceName: 'b' },
      },
      {
        traceId: 'a'.repeat(32),
        id: '3'.repeat(16),
        timestamp: T,
        localEndpoint: { serviceName: 'a' },
      },
    ]);
    expect(conv.request.resourceSpans).toHaveLength(2);
    const r = mapTraces(conv.request, DEFAULT_LIMITS).rows;
    expect(r.map((x) => [x.ServiceName, x.SpanId, x.TraceId, x.SpanKind])).toEqual([
      ['a', '1'.repeat(16), 'a'.repeat(32), 'Internal'],
      ['a', '3'.repeat(16), 'a'.repeat(32), 'Internal'],
      ['b', '2'.repeat(16), 'a'.repeat(32), 'Internal'],
    ]);
  });

  it('gives the server half of a shared span its own id, under the client half', () => {
    const trace = '0123456789abcdef';
    const r = rows([
      {
        traceId: trace,
        id: '00000000000000c1',
        kind: 'CLIENT',
        timestamp: T,
        duration: 100,
        localEndpoint: { serviceName: 'a' },
      },
      {
        traceId: trace,
        id: '00000000000000c1',
        kind: 'SERVER',
        shared: true,
        timestamp: T + 5,
        duration: 90,
        localEndpoint: { serviceName: 'b' },
      },
      // b's outgoing call names the shared id as its parent
      {
        traceId: trace,
        id: '00000000000000d1',
        parentId: '00000000000000c1',
        kind: 'CLIENT',
        timestamp: T + 10,
        duration: 50,
        localEndpoint: { serviceName: 'b' },
      },
    ]);
    const derived = sharedSpanId(trace.padStart(32, '0'), '00000000000000c1');
    expect(derived).toMatch(/^[0-9a-f]{16}$/);
    expect(derived).not.toBe('00000000000000c1');
    const byService = (s: string, kind: string) =>
      r.find((x) => x.ServiceName === s && x.SpanKind === kind);
    expect(byService('a', 'Client')).toMatchObject({
      SpanId: '00000000000000c1',
      ParentSpanId: '',
    });
    expect(byService('b', 'Server')).toMatchObject({
      SpanId: derived,
      ParentSpanId: '00000000000000c1',
    });
    expect(byService('b', 'Client')).toMatchObject({
      SpanId: '00000000000000d1',
      ParentSpanId: derived,
    });
    // the same report again yields the same id
    expect(sharedSpanId(trace.padStart(32, '0'), '00000000000000c1')).toBe(derived);
  });

  it('sets status from the error tag and from otel.status_code', () => {
    const r = rows([
      { traceId: '1'.repeat(16), id: '1'.repeat(16), timestamp: T, tags: { error: 'timeout' } },
      {
        traceId: '1'.repeat(16),
        id: '2'.repeat(16),
        timestamp: T,
        tags: { 'otel.status_code': 'OK' },
      },
      {
        traceId: '1'.repeat(16),
        id: '3'.repeat(16),
        timestamp: T,
        tags: { 'otel.status_code': 'ERROR', 'otel.status_description': 'boom', error: 'x' },
      },
    ]);
    expect(r.map((x) => [x.StatusCode, x.StatusMessage])).toEqual([
      ['Error', 'timeout'],
      ['Ok', ''],
      ['Error', 'boom'],
    ]);
    expect(r[0]?.SpanAttributes.error).toBe('timeout');
  });

  it('starts a span without a timestamp at its first annotation', () => {
    const [row] = rows([
      {
        traceId: '1'.repeat(16),
        id: '1'.repeat(16),
        annotations: [
          { timestamp: T + 7, value: 'b' },
          { timestamp: T + 3, value: 'a' },
        ],
      },
    ]);
    expect(row?.Timestamp).toBe(String(BigInt(T + 3) * 1000n));
  });

  it('rejects bad spans alone, naming the field', () => {
    const good = { traceId: '1'.repeat(16), id: '1'.repeat(16), timestamp: T };
    const conv = zipkinToOtlp([
      good,
      { ...good, traceId: 'abc' },
      { ...good, id: 'zz'.repeat(8) },
      { ...good, kind: 'SIDEWAYS' },
      { ...good, timestamp: -5 },
      { ...good, timestamp: undefined },
      { ...good, remoteEndpoint: { ipv4: '999.1.1.1' } },
      { ...good, tags: { nested: { a: 1 } } },
      'not a span',
    ]);
    expect(conv.accepted).toBe(1);
    expect(conv.rejected.count).toBe(8);
    const msg = conv.rejected.message();
    expect(msg).toContain('spans[1].traceId: expected 16 or 32 hex characters');
    expect(msg).toContain('spans[2].id: expected 16 hex characters');
    expect(msg).toContain('spans[3].kind: expected CLIENT, SERVER, PRODUCER or CONSUMER');
    expect(msg).toContain('spans[4].timestamp: expected a non-negative integer of microseconds');
    expect(msg).toContain('spans[5].timestamp: is required');
    expect(msg).toContain('and 3 more');
    const again = zipkinToOtlp([
      { ...good, remoteEndpoint: { ipv4: '999.1.1.1' } },
      { ...good, tags: { nested: { a: 1 } } },
      7,
    ]);
    expect(again.rejected.message()).toContain(
      'spans[0].remoteEndpoint.ipv4: expected an IPv4 address',
    );
    expect(again.rejected.message()).toContain('spans[1].tags.nested: expected a string');
    expect(again.rejected.message()).toContain('spans[2]: expected a span object');
  });
});
