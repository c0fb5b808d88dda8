import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceRedResponse, ServicesOverviewResponse } from '@sightline/model/api/services';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { ident } from '@sightline/store/schema/ddl-context';
import { Params } from '../src/sql/metrics-keys.ts';
import { entrySpansSql, redRollupSql, spanRangeSql } from '../src/sql/red-stats.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
  await sendAll();
});
afterAll(async () => s.close());

const MIN = 60_000;
const BASE = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
const RANGE = `from=${BASE}&to=${BASE + 5 * MIN}&step=1m`;

const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const KIND = { internal: 1, server: 2, client: 3, consumer: 5 } as const;

let seq = 0;
interface SpanSpec {
  name: string;
  kind: keyof typeof KIND;
  startMs: number;
  durationMs: number;
  error?: boolean;
}
const span = (p: SpanSpec) => {
  seq++;
  return {
    traceId: seq.toString(16).padStart(32, '0'),
    spanId: seq.toString(16).padStart(16, '0'),
    name: p.name,
    kind: KIND[p.kind],
    startTimeUnixNano: ns(p.startMs),
    endTimeUnixNano: ns(p.startMs + p.durationMs),
    status: p.error ? { code: 2, message: 'failed' } : {},
  };
};

async function sendSpans(service: string, spans: SpanSpec[]): Promise<void> {
  const res = await fetch(`${s.otlpUrl}/v1/traces`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
          scopeSpans: [{ spans: spans.map(span) }],
        },
      ],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
}

// checkout: 20 server spans of 1..20 ms in minute 0 (the 2nd, 5th and 8th fail), 4 of 5 ms in
// minute 2 under another name, and client spans that are not requests. batch: internal spans only.
const CHECKOUT_MS = Array.from({ length: 20 }, (_, i) => i + 1);
const FAILING = new Set([1, 4, 7]);
const HEALTH_MS = [5, 5, 5, 5];
const BATCH_MS = [100, 300, 200];

async function sendAll(): Promise<void> {
  await sendSpans('checkout', [
    ...CHECKOUT_MS.map((d, i) => ({
      name: 'POST /checkout',
      kind: 'server' as const,
      startMs: BASE + 1_000 + i * 1_000,
      durationMs: d,
      error: FAILING.has(i),
    })),
    ...HEALTH_MS.map((d, i) => ({
      name: 'GET /health',
      kind: 'server' as const,
      startMs: BASE + 2 * MIN + i * 1_000,
      durationMs: d,
    })),
    ...[1, 2, 3].map((i) => ({
      name: 'GET cart',
      kind: 'client' as const,
      startMs: BASE + 3 * MIN + i,
      durationMs: 1_000,
      error: true,
    })),
  ]);
  await sendSpans(
    'batch',
    BATCH_MS.map((d, i) => ({
      name: 'nightly',
      kind: 'internal',
      startMs: BASE + 4 * MIN + i,
      durationMs: d,
    })),
  );
  await sendSpans('queue-worker', [
    { name: 'orders process', kind: 'consumer', startMs: BASE + 10, durationMs: 7 },
    { name: 'db query', kind: 'internal', startMs: BASE + 11, durationMs: 3 },
  ]);
  // Outside the range: ignored.
  await sendSpans('checkout', [
    { name: 'POST /checkout', kind: 'server', startMs: BASE - 1, durationMs: 999, error: true },
    { name: 'POST /checkout', kind: 'server', startMs: BASE + 5 * MIN, durationMs: 999 },
  ]);
}

/**
 * ClickHouse's quantileExactInclusive, which the API uses: sort, h = (n − 1)·q, then linear
 * between the values at floor(h) and floor(h) + 1 (numpy's default percentile).
 */
function exactInclusive(values: number[], q: number): number {
  const x = [...values].sort((a, b) => a - b);
  const h = (x.length - 1) * q;
  const lo = Math.floor(h);
  const a = x[lo]!;
  const b = x[Math.min(lo + 1, x.length - 1)]!;
  return a + (h - lo) * (b - a);
}

const get = async <T>(path: string): Promise<T> => {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`);
  const json: unknown = await res.json();
  expect(res.status, JSON.stringify(json)).toBe(200);
  return json as T;
};

const times = Array.from({ length: 5 }, (_, i) => BASE + i * MIN);
const pts = (vals: (number | null)[]) => vals.map((v, i) => [times[i], v]);

describe('GET /api/v1/services/overview', () => {
  it('gives every service its request rate, error rate and exact percentiles', async () => {
    const body = await get<ServicesOverviewResponse>(`/services/overview?${RANGE}`);
    expect(body).toMatchObject({ from: BASE, to: BASE + 5 * MIN, step: MIN, truncated: false });
    expect(body.services.map((x) => [x.service, x.requests, x.errors])).toEqual([
      ['checkout', 24, 3],
      ['batch', 3, 0],
      // Its consumer span only: the internal one is work inside the request.
      ['queue-worker', 1, 0],
    ]);
    const checkout = body.services[0]!;
    const all = [...CHECKOUT_MS, ...HEALTH_MS];
    expect(checkout.requestRate).toBeCloseTo(24 / 300, 12);
    expect(checkout.errorRate).toBeCloseTo(3 / 24, 12);
    expect(checkout.p50Ms).toBeCloseTo(exactInclusive(all, 0.5), 9);
    expect(checkout.p95Ms).toBeCloseTo(exactInclusive(all, 0.95), 9);
    expect(checkout.p99Ms).toBeCloseTo(exactInclusive(all, 0.99), 9);
    // By hand: 24 values, h = 23 · 0.95 = 21.85 between the 22nd (18 ms) and 23rd (19 ms).
    expect(checkout.p95Ms).toBeCloseTo(18.85, 9);

    expect(checkout.series.rate).toEqual(pts([20 / 60, 0, 4 / 60, 0, 0]));
    expect(checkout.series.errorRate).toEqual(pts([3 / 20, null, 0, null, null]));
    const p95 = checkout.series.p95Ms.map((p) => p[1]);
    expect(p95[0]).toBeCloseTo(exactInclusive(CHECKOUT_MS, 0.95), 9);
    expect(p95.slice(1)).toEqual([null, 5, null, null]);

    const batch = body.services[1]!;
    expect(batch).toMatchObject({ errorRate: 0, p50Ms: 200 });
    expect(batch.p99Ms).toBeCloseTo(exactInclusive(BATCH_MS, 0.99), 9);
  });

  it('reads a long range from the per-minute histograms: exact counts, percentiles within 4.5 %', async () => {
    // A 6 h range on whole 90 min: at a 30 min step it reads the histograms, at 90 s the spans.
    const to = Math.ceil((BASE + 30 * MIN) / (90 * MIN)) * 90 * MIN;
    const range6h = `from=${to - 6 * 60 * MIN}&to=${to}`;
    const long = await get<ServicesOverviewResponse>(`/services/overview?${range6h}&step=30m`);
    const exact = await get<ServicesOverviewResponse>(`/services/overview?${range6h}&step=90s`);
    const totals = (b: ServicesOverviewResponse) =>
      b.services.map((x) => [x.service, x.requests, x.errors, x.requestRate, x.errorRate]);
    expect(totals(long)).toEqual(totals(exact));
    expect(long.services.map((x) => x.service)).toEqual(['checkout', 'batch', 'queue-worker']);
    // Checkout's p95 lies between spans of 20 ms and 999 ms: interpolated as the exact one is.
    for (const [est, ex] of long.services.map((x, i) => [x, exact.services[i]!] as const)) {
      for (const q of ['p50Ms', 'p95Ms', 'p99Ms'] as const) {
        expect(Math.abs(est[q]! - ex[q]!) / ex[q]!, `${est.service} ${q}`).toBeLessThan(0.045);
      }
    }
    const sum = (b: ServicesOverviewResponse, stepS: number) =>
      b.services[0]!.series.rate.reduce((n, [, r]) => n + (r ?? 0) * stepS, 0);
    expect(sum(long, 1800)).toBeCloseTo(long.services[0]!.requests, 9);
    expect(sum(long, 1800)).toBeCloseTo(sum(exact, 90), 9);
    // Where the histograms do not cover a range (a cluster's spans from before migration 14), the
    // per-minute projection answers: the question asked is one it serves, for both its halves.
    const p = new Params('r');
    const grid = { fromMs: to - 6 * 60 * MIN, toMs: to, stepMs: 30 * MIN, points: 12 };
    const range = spanRangeSql(grid, undefined, p, true);
    const db = ident(s.store.database);
    const sql = redRollupSql(
      db,
      'ServiceName',
      `${range} AND ${entrySpansSql(db, range)}`,
      grid,
      10,
      p,
    );
    const plan = await s.store.reader.query({
      query: `EXPLAIN ${sql.query}`,
      query_params: sql.query_params,
      format: 'JSONEachRow',
    });
    const lines = (await plan.json<{ explain: string }>()).map((l) => l.explain);
    expect(lines.filter((l) => l.includes('ReadFromMergeTree (red_1m)'))).toHaveLength(2);
  });

  it('chooses a sparkline step by itself, and filters with the search language', async () => {
    const auto = await get<ServicesOverviewResponse>(
      `/services/overview?from=${BASE}&to=${BASE + 60 * MIN}`,
    );
    expect(auto.step).toBe(MIN);
    expect(auto.services[0]!.series.rate).toHaveLength(60);

    const errors = await get<ServicesOverviewResponse>(
      `/services/overview?${RANGE}&q=${encodeURIComponent('status:error')}`,
    );
    expect(errors.services.map((x) => [x.service, x.requests, x.errors])).toEqual([
      ['checkout', 3, 3],
    ]);
    const limited = await get<ServicesOverviewResponse>(`/services/overview?${RANGE}&limit=1`);
    expect(limited.services.map((x) => x.service)).toEqual(['checkout']);
    expect(limited.truncated).toBe(true);
  });
});

describe('GET /api/v1/services/:service/red', () => {
  it('breaks a service down by operation', async () => {
    const body = await get<ServiceRedResponse>(`/services/checkout/red?${RANGE}`);
    expect(body).toMatchObject({ service: 'checkout', from: BASE, step: MIN, truncated: false });
    expect(body.operations.map((o) => [o.operation, o.requests, o.errors])).toEqual([
      ['POST /checkout', 20, 3],
      ['GET /health', 4, 0],
    ]);
    const post = body.operations[0]!;
    // 20 values 1..20: h = 19 · 0.95 = 18.05, between 19 and 20 ms.
    expect(post.p95Ms).toBeCloseTo(19.05, 9);
    expect(post.p50Ms).toBeCloseTo(10.5, 9);
    expect(post.p99Ms).toBeCloseTo(19.81, 9);
    expect(post.errorRate).toBeCloseTo(0.15, 12);
    expect(post.series.rate).toEqual(pts([20 / 60, 0, 0, 0, 0]));
    expect(body.operations[1]!.series.p95Ms).toEqual(pts([null, null, 5, null, null]));

    const filtered = await get<ServiceRedResponse>(
      `/services/checkout/red?${RANGE}&q=${encodeURIComponent('duration:>=15ms')}`,
    );
    expect(filtered.operations.map((o) => [o.operation, o.requests, o.p50Ms])).toEqual([
      ['POST /checkout', 6, 17.5],
    ]);
  });

  it('measures a service without server spans on all its spans', async () => {
    const body = await get<ServiceRedResponse>(`/services/batch/red?${RANGE}`);
    expect(body.operations.map((o) => [o.operation, o.requests])).toEqual([['nightly', 3]]);
    const none = await get<ServiceRedResponse>(`/services/nobody/red?${RANGE}`);
    expect(none.operations).toEqual([]);
  });

  it('rejects bad input with stable codes', async () => {
    const cases: [string, string, RegExp][] = [
      [
        `/services/checkout/red?${RANGE}&q=${encodeURIComponent('status:(')}`,
        'SL_ERR_SEARCH_SYNTAX',
        /position/,
      ],
      [
        `/services/checkout/red?${RANGE}&q=${encodeURIComponent('level:error')}`,
        'SL_ERR_SEARCH_FIELD',
        /level/,
      ],
      [`/services/overview?from=${BASE + MIN}&to=${BASE}`, 'SL_ERR_TIME_RANGE', /^from /],
      [`/services/overview?from=${BASE - 86_400_000}&to=${BASE}&step=1s`, 'SL_ERR_STEP', /^step: /],
      [`/services/overview?from=yesterday`, 'SL_ERR_TIME_RANGE', /^from: /],
      [`/services/overview?limit=100000`, 'SL_ERR_VALIDATION', /limit/],
    ];
    for (const [path, code, message] of cases) {
      const res = await fetch(`${s.apiUrl}/api/v1${path}`);
      const json = (await res.json()) as { error: { code: string; message: string } };
      expect(res.status, path).toBe(400);
      expect(json.error.code, path).toBe(code);
      expect(json.error.message, path).toMatch(message);
    }
  });
});
