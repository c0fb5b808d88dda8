import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceMapResponse } from '@sightline/model/api/services';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
  await sendAll();
});
afterAll(async () => s.close());

const MIN = 60_000;
const BASE = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
const RANGE = `from=${BASE}&to=${BASE + 10 * MIN}`;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const KIND = { internal: 1, server: 2, client: 3 } as const;

interface Span {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: keyof typeof KIND;
  startMs: number;
  durationMs: number;
  error: boolean;
}

let ids = 0;
const nextId = () => (++ids).toString(16).padStart(16, '0');

/**
 * One request through gateway → cart → checkout → payments and gateway → catalog, each call a
 * client span in the caller with the callee's server span beneath it.
 */
function trace(
  n: number,
  startMs: number,
  opts: { paymentFails: boolean; cartMs: number },
): Span[] {
  const traceId = n.toString(16).padStart(32, 'c');
  const spans: Span[] = [];
  const add = (
    service: string,
    parent: string,
    name: string,
    kind: Span['kind'],
    extra: Partial<Span> = {},
  ) => {
    const sp: Span = {
      service,
      traceId,
      spanId: nextId(),
      parentSpanId: parent,
      name,
      kind,
      startMs,
      durationMs: 50,
      error: false,
      ...extra,
    };
    spans.push(sp);
    return sp.spanId;
  };
  const call = (from: string, parent: string, to: string, extra: Partial<Span> = {}) => {
    const client = add(from, parent, `call ${to}`, 'client');
    return add(to, client, `handle ${to}`, 'server', extra);
  };
  const gw = add('gateway', '', 'GET /buy', 'server');
  const cart = call('gateway', gw, 'cart', { durationMs: opts.cartMs });
  const checkout = call('cart', cart, 'checkout');
  call('checkout', checkout, 'payments', { error: opts.paymentFails });
  call('gateway', gw, 'catalog');
  return spans;
}

const CART_MS = [12, 30, 7, 44, 19, 25, 3, 60, 38, 21];
const FAILS = new Set([2, 5, 9]);

async function send(spans: Span[]): Promise<void> {
  const byService = new Map<string, Span[]>();
  for (const sp of spans) byService.set(sp.service, [...(byService.get(sp.service) ?? []), sp]);
  const res = await fetch(`${s.otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [...byService].map(([service, list]) => ({
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [
          {
            spans: list.map((sp) => ({
              traceId: sp.traceId,
              spanId: sp.spanId,
              parentSpanId: sp.parentSpanId,
              name: sp.name,
              kind: KIND[sp.kind],
              startTimeUnixNano: ns(sp.startMs),
              endTimeUnixNano: ns(sp.startMs + sp.durationMs),
              status: sp.error ? { code: 2 } : {},
            })),
          },
        ],
      })),
    }),
  });
  expect(res.status, await res.text()).toBe(200);
}

async function sendAll(): Promise<void> {
  const spans = CART_MS.flatMap((cartMs, i) =>
    trace(i + 1, BASE + MIN + i * 1_000, { cartMs, paymentFails: FAILS.has(i) }),
  );
  // A service that calls nobody and has no server spans: a node, no edges.
  spans.push({
    service: 'cron',
    traceId: 'f'.repeat(32),
    spanId: nextId(),
    parentSpanId: '',
    name: 'cleanup',
    kind: 'internal',
    startMs: BASE + 2 * MIN,
    durationMs: 5,
    error: false,
  });
  // A trace before the range: its edges do not count.
  spans.push(...trace(100, BASE - 20 * MIN, { cartMs: 1, paymentFails: true }));
  await send(spans);
}

function exactInclusive(values: number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  return x[lo]! + (h - lo) * (x[Math.min(lo + 1, x.length - 1)]! - x[lo]!);
}

describe('GET /api/v1/services/map', () => {
  it('finds caller → callee edges with exact calls, error rates and p95', async () => {
    const res = await fetch(`${s.apiUrl}/api/v1/services/map?${RANGE}`);
    const body = (await res.json()) as ServiceMapResponse;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ from: BASE, to: BASE + 10 * MIN, truncated: false });
    expect(body.edges.map((e) => [e.caller, e.callee, e.calls, e.errors, e.errorRate])).toEqual([
      ['cart', 'checkout', 10, 0, 0],
      ['checkout', 'payments', 10, 3, 0.3],
      ['gateway', 'cart', 10, 0, 0],
      ['gateway', 'catalog', 10, 0, 0],
    ]);
    const cart = body.edges.find((e) => e.callee === 'cart')!;
    // Ten values: h = 9 · 0.95 = 8.55, between the 9th (44 ms) and 10th (60 ms): 44 + 0.55 · 16.
    expect(cart.p95Ms).toBeCloseTo(exactInclusive(CART_MS, 0.95), 9);
    expect(cart.p95Ms).toBeCloseTo(52.8, 9);
    expect(body.edges.find((e) => e.callee === 'payments')!.p95Ms).toBe(50);

    expect(body.nodes.map((n) => [n.service, n.requests, n.errors, n.errorRate])).toEqual([
      ['cart', 10, 0, 0],
      ['catalog', 10, 0, 0],
      ['checkout', 10, 0, 0],
      ['gateway', 10, 0, 0],
      ['payments', 10, 3, 0.3],
      ['cron', 1, 0, 0],
    ]);
  });

  it('limits nodes and edges, and rejects a bad range', async () => {
    const res = await fetch(`${s.apiUrl}/api/v1/services/map?${RANGE}&limit=2`);
    const body = (await res.json()) as ServiceMapResponse;
    expect(body.edges).toHaveLength(2);
    expect(body.nodes).toHaveLength(2);
    expect(body.truncated).toBe(true);

    const bad = await fetch(`${s.apiUrl}/api/v1/services/map?from=${BASE}&to=${BASE - 1}`);
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { code: string } }).error.code).toBe(
      'SL_ERR_TIME_RANGE',
    );
    const long = await fetch(
      `${s.apiUrl}/api/v1/services/map?from=${BASE - 8 * 86_400_000}&to=${BASE}`,
    );
    expect(long.status).toBe(400);
    expect(((await long.json()) as { error: { code: string } }).error.code).toBe(
      'SL_ERR_TIME_RANGE',
    );
  });
});
