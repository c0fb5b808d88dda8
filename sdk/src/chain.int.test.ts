import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { fileURLToPath } from 'node:url';
import { createInterface } from 'node:readline';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { OtlpTestServer, type ReceivedSpan } from '../test/otlp-test-server.ts';

/**
 * Three services, each its own process (one service.name per process), started the way a user
 * would: `node --import tsx --import @sightline/sdk/register service.ts`. The test process runs
 * no SDK; it only plays the caller and the collector.
 *
 *   test ──► chain-a (fastify, calls on with fetch) ──► chain-b (node:http, calls on with
 *   http.get; has its own SIGTERM handler) ──► chain-c (express, imported statically: only
 *   the ESM loader hook installed by the register preload can instrument it)
 */

const FIXTURE = fileURLToPath(new URL('../test/fixtures/chain-service.ts', import.meta.url));
const REPO_ROOT = fileURLToPath(new URL('../../', import.meta.url));
const API_KEY = 'chain-test-key';
const CORRELATION_ID = 'chain-corr-1';

interface Service {
  name: string;
  child: ChildProcess;
  port: number;
  lines: Record<string, unknown>[];
  exit: Promise<{ code: number | null; signal: NodeJS.Signals | null }>;
}

let otlp: OtlpTestServer;
const services: Service[] = [];
let response: { status: number; body: string; correlationHeader: string | null };
let exits: { code: number | null; signal: NodeJS.Signals | null }[];

async function startService(name: string, env: Record<string, string>): Promise<Service> {
  const child = spawn(
    process.execPath,
    ['--import', 'tsx', '--import', '@sightline/sdk/register', FIXTURE],
    {
      cwd: REPO_ROOT,
      env: {
        ...process.env,
        OTEL_SERVICE_NAME: name,
        OTEL_EXPORTER_OTLP_ENDPOINT: otlp.url,
        SIGHTLINE_API_KEY: API_KEY,
        OTEL_BSP_SCHEDULE_DELAY: '100',
        OTEL_BLRP_SCHEDULE_DELAY: '100',
        ...env,
      },
      stdio: ['ignore', 'pipe', 'inherit'],
    },
  );
  const exit = once(child, 'exit').then(([code, signal]) => ({
    code: code as number | null,
    signal: signal as NodeJS.Signals | null,
  }));
  const lines: Record<string, unknown>[] = [];
  const ready = new Promise<number>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`${name} did not start`)), 30_000);
    createInterface({ input: child.stdout as NodeJS.ReadableStream }).on('line', (text) => {
      const line = JSON.parse(text) as Record<string, unknown>;
      if (typeof line.ready === 'number') {
        clearTimeout(timer);
        resolve(line.ready);
      } else {
        lines.push(line);
      }
    });
    void exit.then(() => reject(new Error(`${name} exited before it was ready`)));
  });
  const service = { name, child, port: await ready, lines, exit };
  services.push(service);
  return service;
}

beforeAll(async () => {
  otlp = await OtlpTestServer.start();
  const c = await startService('chain-c', { FRAMEWORK: 'express' });
  const b = await startService('chain-b', {
    FRAMEWORK: 'http',
    NEXT_URL: `http://127.0.0.1:${c.port}`,
    APP_SIGTERM_HANDLER: '1',
  });
  const a = await startService('chain-a', {
    FRAMEWORK: 'fastify',
    NEXT_URL: `http://127.0.0.1:${b.port}`,
  });

  const res = await fetch(`http://127.0.0.1:${a.port}/work`, {
    headers: { 'x-correlation-id': CORRELATION_ID },
  });
  response = {
    status: res.status,
    body: await res.text(),
    correlationHeader: res.headers.get('x-correlation-id'),
  };

  // SIGTERM must flush each service's telemetry before it exits.
  for (const service of services) service.child.kill('SIGTERM');
  exits = await Promise.all(services.map((s) => s.exit));
}, 120_000);

afterAll(async () => {
  for (const service of services)
    if (service.child.exitCode === null) service.child.kill('SIGKILL');
  await otlp.close();
});

function byName(name: string): Service {
  return services.find((s) => s.name === name) as Service;
}

function serverSpan(service: string): ReceivedSpan {
  const spans = otlp.spans.filter(
    (s) => s.service === service && s.kind === 2 && s.attributes['url.path'] === '/work',
  );
  expect(spans, `server spans of ${service}`).toHaveLength(1);
  return spans[0] as ReceivedSpan;
}

describe('three services over HTTP', () => {
  it('answers through the whole chain and keeps the correlation id', () => {
    expect(response.status).toBe(200);
    expect(response.correlationHeader).toBe(CORRELATION_ID);
    const hop = JSON.parse(response.body) as {
      service: string;
      correlationId: string;
      downstream: { service: string; correlationId: string; downstream: { service: string } };
    };
    expect(hop.service).toBe('chain-a');
    expect(hop.downstream.service).toBe('chain-b');
    expect(hop.downstream.downstream.service).toBe('chain-c');
    expect([hop.correlationId, hop.downstream.correlationId]).toEqual([
      CORRELATION_ID,
      CORRELATION_ID,
    ]);
  });

  it('records one trace with correct parent/child links across the three services', () => {
    const a = serverSpan('chain-a');
    const b = serverSpan('chain-b');
    const c = serverSpan('chain-c');
    expect(a.parentSpanId).toBe('');
    expect(new Set([a.traceId, b.traceId, c.traceId])).toEqual(new Set([a.traceId]));

    const trace = otlp.spans.filter((s) => s.traceId === a.traceId);
    const byId = new Map(trace.map((s) => [s.spanId, s]));
    // B's server span is the child of a client span in A; C's of a client span in B.
    expect(byId.get(b.parentSpanId)).toMatchObject({ service: 'chain-a', kind: 3 });
    expect(byId.get(c.parentSpanId)).toMatchObject({ service: 'chain-b', kind: 3 });
    // Every span of the trace hangs off A's root: no orphan, no second root.
    for (const span of trace) {
      let cursor: ReceivedSpan | undefined = span;
      for (let hops = 0; cursor !== undefined && cursor !== a && hops < 50; hops += 1) {
        cursor = byId.get(cursor.parentSpanId);
      }
      expect(cursor, `${span.service} ${span.name} reaches the root`).toBe(a);
    }
    // The frameworks' own spans are in the trace too: @fastify/otel in A, express in C.
    expect(trace.some((s) => s.service === 'chain-a' && s.name.includes('@fastify/otel'))).toBe(
      true,
    );
    expect(
      trace.some(
        (s) => s.service === 'chain-c' && s.attributes['express.type'] === 'request_handler',
      ),
    ).toBe(true);
    for (const span of [a, b, c]) {
      expect(span.attributes['sightline.correlation_id']).toBe(CORRELATION_ID);
    }
  });

  it('puts the trace id on every log line of all three services, locally and shipped', () => {
    const traceId = serverSpan('chain-a').traceId;
    for (const name of ['chain-a', 'chain-b', 'chain-c']) {
      const spanIds = new Set(
        otlp.spans.filter((s) => s.service === name && s.traceId === traceId).map((s) => s.spanId),
      );
      const local = byName(name).lines.filter((l) => l.hop === name);
      expect(local.map((l) => l.msg)).toEqual(['handling', 'done']);
      for (const line of local) {
        expect(line).toMatchObject({
          trace_id: traceId,
          correlation_id: CORRELATION_ID,
          service: name,
        });
        expect(spanIds.has(line.span_id as string), `${name} span_id is one of its spans`).toBe(
          true,
        );
      }
      const shipped = otlp.logs.filter((l) => l.service === name && l.attributes.hop === name);
      expect(shipped.map((l) => l.body)).toEqual(['handling', 'done']);
      for (const record of shipped) {
        expect(record.traceId).toBe(traceId);
        expect(spanIds.has(record.spanId)).toBe(true);
        expect(record.attributes.correlation_id).toBe(CORRELATION_ID);
      }
    }
  });

  it('flushes on SIGTERM and leaves the exit to the app when the app handles SIGTERM', () => {
    // No app handler: the SDK flushes, then the signal takes its default course.
    expect(exits[services.indexOf(byName('chain-a'))]).toEqual({ code: null, signal: 'SIGTERM' });
    expect(exits[services.indexOf(byName('chain-c'))]).toEqual({ code: null, signal: 'SIGTERM' });
    // chain-b's own handler ran and closed its server; the process then ended normally.
    expect(byName('chain-b').lines.some((l) => l.msg === 'app SIGTERM handler ran')).toBe(true);
    expect(exits[services.indexOf(byName('chain-b'))]).toEqual({ code: 0, signal: null });
    expect(otlp.logs.some((l) => l.body === 'app SIGTERM handler ran')).toBe(true);
  });

  it('sends the API key on every export and reports runtime metrics', () => {
    expect(otlp.requests.length).toBeGreaterThan(0);
    for (const request of otlp.requests) expect(request.headers['x-sightline-key']).toBe(API_KEY);
    const names = new Set(otlp.metrics.map((m) => m.name));
    expect(names).toContain('http.server.request.duration');
    expect(names).toContain('nodejs.eventloop.delay.p99');
    expect(names).toContain('v8js.memory.heap.used');
  });
});
