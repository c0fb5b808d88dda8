import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceMapResponse } from '@sightline/model/api/services';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { sendBreakerState } from '../../deploy/test/alerts-helpers.ts';
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
  attributes?: Record<string, string>;
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
    const guarded = to === 'checkout' ? { [BREAKER]: 'checkout-api' } : undefined;
    const client = add(from, parent, `call ${to}`, 'client', { attributes: guarded });
    return add(to, client, `handle ${to}`, 'server', extra);
  };
  const query = (from: string, parent: string, attributes: Record<string, string>) =>
    add(from, parent, 'query', 'client', { attributes, error: attributes.fail === 'yes' });
  const gw = add('gateway', '', 'GET /buy', 'server');
  const cart = call('gateway', gw, 'cart', { durationMs: opts.cartMs });
  const checkout = call('cart', cart, 'checkout');
  call('checkout', checkout, 'payments', { error: opts.paymentFails });
  call('gateway', gw, 'catalog');
  // Two queries guarded by checkout's breaker, a cache lookup under the older attribute names.
  const pg = {
    'db.system.name': 'postgresql',
    'server.address': 'db.internal',
    'server.port': '5432',
  };
  query('checkout', checkout, { ...pg, [BREAKER]: 'orders-db' });
  query('checkout', checkout, {
    ...pg,
    [BREAKER]: 'orders-db',
    fail: opts.paymentFails ? 'yes' : 'no',
  });
  query('cart', cart, { 'db.system': 'redis', 'net.peer.name': 'cache.internal' });
  return spans;
}

/**
 * A feed request whose one span calls many others directly (no client span between): search
 * four times, ads twice, itself once; and a client span of feed's retried three times by ranker.
 */
function fanOut(n: number, startMs: number): Span[] {
  const traceId = n.toString(16).padStart(32, 'e');
  const span = (service: string, parentSpanId: string, kind: Span['kind'], at = 0): Span => ({
    service,
    traceId,
    spanId: nextId(),
    parentSpanId,
    name: `${service} work`,
    kind,
    startMs: startMs + at,
    durationMs: 10 + at,
    error: false,
  });
  const root = span('feed', '', 'server');
  const client = span('feed', root.spanId, 'client');
  return [
    root,
    client,
    ...[1, 2, 3, 4].map((i) => span('search', root.spanId, 'server', i)),
    ...[1, 2].map((i) => span('ads', root.spanId, 'server', i)),
    span('feed', root.spanId, 'internal'),
    ...[1, 2, 3].map((i) => span('ranker', client.spanId, 'server', i)),
  ];
}

/** Every caller → callee pair counted straight from the spans: each span whose parent is another service's. */
function countEdges(spans: readonly Span[], fromMs: number, toMs: number): Map<string, number> {
  const byId = new Map(spans.map((sp) => [`${sp.traceId}/${sp.spanId}`, sp]));
  const counts = new Map<string, number>();
  for (const sp of spans) {
    const parent = byId.get(`${sp.traceId}/${sp.parentSpanId}`);
    if (!parent || parent.service === sp.service || sp.startMs < fromMs || sp.startMs >= toMs)
      continue;
    const key = `${parent.service} → ${sp.service}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return counts;
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
              attributes: Object.entries(sp.attributes ?? {}).map(([key, v]) => ({
                key,
                value: { stringValue: v },
              })),
            })),
          },
        ],
      })),
    }),
  });
  expect(res.status, await res.text()).toBe(200);
}

const BREAKER = 'circuit_breaker.name';
const sent: Span[] = [];

/** The breakers' state gauges as the SDK reports them: checkout's orders-db ends open. */
async function sendBreakerStates(): Promise<void> {
  await sendBreakerState(s, 'checkout', 'orders-db', 0, BASE + MIN);
  await sendBreakerState(s, 'checkout', 'orders-db', 2, BASE + 5 * MIN);
  await sendBreakerState(s, 'checkout', 'unused', 2, BASE + 5 * MIN);
  await sendBreakerState(s, 'cart', 'checkout-api', 0, BASE + 5 * MIN);
}

async function sendAll(): Promise<void> {
  const spans = CART_MS.flatMap((cartMs, i) =>
    trace(i + 1, BASE + MIN + i * 1_000, { cartMs, paymentFails: FAILS.has(i) }),
  );
  spans.push(...[1, 2, 3, 4, 5].flatMap((n) => fanOut(n, BASE + 3 * MIN + n * 1_000)));
  // A fan-out whose children start after the range: counted on neither side.
  spans.push(...fanOut(6, BASE + 10 * MIN - 1));
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
  sent.push(...spans);
  await send(spans);
  await sendBreakerStates();
}

function exactInclusive(values: number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  return x[lo]! + (h - lo) * (x[Math.min(lo + 1, x.length - 1)]! - x[lo]!);
}

const PG = 'postgresql db.internal:5432';
const REDIS = 'redis cache.internal';
const SHOP = new Set(['gateway', 'cart', 'checkout', 'payments', 'catalog']);

async function getMap(query = RANGE): Promise<ServiceMapResponse> {
  const res = await fetch(`${s.apiUrl}/api/v1/services/map?${query}`);
  const body = (await res.json()) as ServiceMapResponse;
  expect(res.status, JSON.stringify(body)).toBe(200);
  return body;
}

describe('GET /api/v1/services/map', () => {
  it('finds caller → callee edges with exact calls, error rates and p95', async () => {
    const body = await getMap();
    expect(body).toMatchObject({ from: BASE, to: BASE + 10 * MIN, truncated: false });
    const shop = body.edges.filter((e) => SHOP.has(e.caller) && SHOP.has(e.callee));
    expect(shop.map((e) => [e.caller, e.callee, e.calls, e.errors, e.errorRate])).toEqual([
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

    const services = body.nodes.filter((n) => n.kind === 'service');
    expect(services.map((n) => [n.service, n.requests, n.errors, n.errorRate])).toEqual([
      ['search', 20, 0, 0],
      ['ranker', 15, 0, 0],
      ['ads', 10, 0, 0],
      ['cart', 10, 0, 0],
      ['catalog', 10, 0, 0],
      ['checkout', 10, 0, 0],
      ['gateway', 10, 0, 0],
      ['payments', 10, 3, 0.3],
      ['feed', 6, 0, 0],
      ['cron', 1, 0, 0],
    ]);
  });

  it('counts every child of a parent span, as counting from the spans does', async () => {
    const body = await getMap();
    const services = body.edges.filter((e) => e.calleeKind === 'service');
    const counted = countEdges(sent, BASE, BASE + 10 * MIN);
    expect(new Map(services.map((e) => [`${e.caller} → ${e.callee}`, e.calls]))).toEqual(counted);
    // Four search spans under each of five feed spans: an ANY INNER JOIN kept one of them.
    expect(counted.get('feed → search')).toBe(20);
    expect(counted.get('feed → ranker')).toBe(15);
    expect(counted.get('feed → ads')).toBe(10);
  });

  it('draws databases and caches as nodes, and names the breakers on each edge with their state', async () => {
    const body = await getMap();
    const stores = body.nodes.filter((n) => n.kind !== 'service');
    expect(stores.map((n) => [n.service, n.kind, n.requests, n.errors])).toEqual([
      [PG, 'database', 20, 3],
      [REDIS, 'cache', 10, 0],
    ]);
    const pg = body.edges.find((e) => e.callee === PG)!;
    expect(pg).toMatchObject({
      caller: 'checkout',
      calleeKind: 'database',
      calls: 20,
      errors: 3,
      errorRate: 0.15,
    });
    // orders-db went closed → open in the range: its last state is the edge's.
    expect(pg.breakers).toEqual([{ name: 'orders-db', state: 'open' }]);
    expect(body.edges.find((e) => e.callee === REDIS)).toMatchObject({
      caller: 'cart',
      calleeKind: 'cache',
      calls: 10,
      breakers: [],
    });
    expect(body.edges.find((e) => e.callee === 'checkout')?.breakers).toEqual([
      { name: 'checkout-api', state: 'closed' },
    ]);
    expect(body.edges.find((e) => e.callee === 'payments')?.breakers).toEqual([]);
  });

  it('limits nodes and edges, and rejects a bad range', async () => {
    const body = await getMap(`${RANGE}&limit=2`);
    // The busiest of every kind: feed's fan-out to search and checkout's queries.
    expect(body.edges.map((e) => [e.caller, e.callee, e.calls])).toEqual([
      ['checkout', PG, 20],
      ['feed', 'search', 20],
    ]);
    expect(body.nodes.map((n) => n.service)).toEqual([PG, 'search']);
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
