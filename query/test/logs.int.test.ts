import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  LogContextResponse,
  LogFacetsResponse,
  LogHistogramResponse,
  LogRecord,
  LogSearchResponse,
} from '@sightline/model/api/logs';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { logTailStats } from '../src/sql/logs-tail.ts';

/**
 * The logs API end to end: logs go in through the OTLP/HTTP endpoint, answers come out of
 * /api/v1/logs*. Every test writes into its own 10-minute window (hour-aligned, a few hours ago)
 * and queries exactly that window, so tests never see each other's rows.
 */

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

const MIN = 60_000;
const BASE = Math.floor((Date.now() - 4 * 3_600_000) / 3_600_000) * 3_600_000;
// 10-minute windows 20 minutes apart: rows a test places just outside its window stay in the gap.
const windowOf = (k: number) => ({ from: BASE + k * 20 * MIN, to: BASE + (k * 20 + 10) * MIN });
const ns = (ms: number, extraNs = 0n): bigint => BigInt(ms) * 1_000_000n + extraNs;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

interface LogSpec {
  ts: bigint;
  body: string;
  service?: string;
  sev?: number;
  text?: string;
  attrs?: Record<string, string>;
  resource?: Record<string, string>;
  traceId?: string;
  spanId?: string;
}

const kv = (m: Record<string, string>) =>
  Object.entries(m).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** One OTLP/JSON request; each log gets its own resource block, so services and resources mix. */
async function send(logs: LogSpec[]): Promise<void> {
  const body = {
    resourceLogs: logs.map((l) => ({
      resource: {
        attributes: kv({ ...(l.service ? { 'service.name': l.service } : {}), ...l.resource }),
      },
      scopeLogs: [
        {
          scope: { name: 'logs-int-test' },
          logRecords: [
            {
              timeUnixNano: l.ts.toString(),
              severityNumber: l.sev ?? 0,
              severityText: l.text ?? '',
              body: { stringValue: l.body },
              attributes: kv(l.attrs ?? {}),
              ...(l.traceId ? { traceId: l.traceId } : {}),
              ...(l.spanId ? { spanId: l.spanId } : {}),
            },
          ],
        },
      ],
    })),
  };
  const res = await fetch(`${s.otlpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.json()).toEqual({});
}

type Params = Record<string, string | number | undefined>;

async function get<T>(path: string, params: Params = {}): Promise<{ status: number; body: T }> {
  const url = new URL(`${s.apiUrl}/api/v1${path}`);
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) url.searchParams.set(k, String(v));
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

async function search(params: Params): Promise<LogSearchResponse> {
  const r = await get<LogSearchResponse>('/logs', params);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** Every row of a search, page by page. */
async function searchAll(params: Params, limit = 5000): Promise<LogRecord[]> {
  const rows: LogRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await search({ ...params, limit, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

const bodies = (rows: readonly LogRecord[]) => rows.map((r) => r.body);
const posOf = (r: LogRecord) => `${r.timestamp}:${r.id}`;
/** a comes after b in the newest-first order. */
const below = (a: LogRecord, b: LogRecord) => {
  const [ta, tb] = [BigInt(a.timestamp), BigInt(b.timestamp)];
  return ta < tb || (ta === tb && BigInt(a.id) < BigInt(b.id));
};

describe('GET /logs (search)', () => {
  const w = windowOf(0);
  const at = (sec: number) => ns(w.from + sec * 1000);
  const TRACE = '5b8efff798038103d269b633813fc60c';
  const SPAN = 'eee19b7ec3c1b174';

  beforeAll(async () => {
    await send([
      { ts: at(0), body: 'window start', service: 'checkout', sev: 13, text: 'WARN' },
      {
        ts: at(10),
        body: 'payment accepted',
        service: 'checkout',
        sev: 9,
        text: 'INFO',
        attrs: { 'order.id': '1' },
        resource: { env: 'prod' },
      },
      {
        ts: at(20) + 123_456_789n,
        body: 'payment failed: card declined',
        service: 'checkout',
        sev: 17,
        text: 'ERROR',
        attrs: { 'order.id': '2', 'http.status_code': '502' },
        resource: { env: 'prod' },
        traceId: TRACE,
        spanId: SPAN,
      },
      { ts: at(30), body: 'slow payment provider', service: 'checkout', text: 'WARNING' },
      {
        ts: at(40),
        body: 'cart loaded',
        service: 'cart',
        sev: 5,
        text: 'DEBUG',
        attrs: { 'order.id': '1' },
      },
      { ts: at(50), body: 'Payment retried', service: 'cart', resource: { env: 'dev' } },
      // `to` is exclusive; one nanosecond before `from` is outside.
      { ts: ns(w.to), body: 'payment after the window', service: 'checkout', sev: 17 },
      { ts: ns(w.from) - 1n, body: 'payment before the window', service: 'checkout', sev: 17 },
    ]);
  });

  it('returns the rows a search matches, newest first, with every field exact', async () => {
    const all = await search({ from: w.from, to: w.to });
    expect(all).toMatchObject({ from: w.from, to: w.to, nextCursor: null });
    expect(bodies(all.rows)).toEqual([
      'Payment retried',
      'cart loaded',
      'slow payment provider',
      'payment failed: card declined',
      'payment accepted',
      'window start',
    ]);
    const failed = all.rows[3]!;
    expect(failed).toEqual({
      timestamp: (at(20) + 123_456_789n).toString(),
      id: expect.stringMatching(/^\d+$/) as string,
      severityText: 'ERROR',
      severityNumber: 17,
      level: 'error',
      service: 'checkout',
      body: 'payment failed: card declined',
      traceId: TRACE,
      spanId: SPAN,
      attributes: { 'order.id': '2', 'http.status_code': '502' },
      resourceAttributes: { 'service.name': 'checkout', env: 'prod' },
    });
    expect(all.rows.map((r) => r.level)).toEqual([
      'unknown',
      'debug',
      'warn',
      'error',
      'info',
      'warn',
    ]);
  });

  it.each([
    [
      'payment',
      [
        'Payment retried',
        'slow payment provider',
        'payment failed: card declined',
        'payment accepted',
      ],
    ],
    ['"card declined" -level:info', ['payment failed: card declined']],
    ['level:error', ['payment failed: card declined']],
    ['level:warn', ['slow payment provider', 'window start']],
    ['level:>=warn', ['payment failed: card declined', 'window start']],
    ['order.id:1', ['cart loaded', 'payment accepted']],
    ['http.status_code:>=500', ['payment failed: card declined']],
    ['service:cart', ['Payment retried', 'cart loaded']],
    ['resource.env:dev', ['Payment retried']],
    ['payment AND NOT service:checkout', ['Payment retried']],
    [`trace_id:${TRACE.toUpperCase()}`, ['payment failed: card declined']],
    ['nothing-matches-this', []],
  ])('q=%s', async (q, expected) => {
    const page = await search({ q, from: w.from, to: w.to });
    expect(bodies(page.rows)).toEqual(expected);
  });

  it('defaults to the last 15 minutes', async () => {
    const page = await search({});
    expect(page.to - page.from).toBe(15 * MIN);
    expect(Math.abs(page.to - Date.now())).toBeLessThan(10_000);
    expect(bodies(page.rows)).not.toContain('payment accepted');
  });
});

describe('GET /logs/histogram', () => {
  const w = windowOf(1);
  const at = (sec: number, extraNs = 0n) => ns(w.from + sec * 1000, extraNs);

  beforeAll(async () => {
    await send([
      { ts: at(0), body: 'h info 1', service: 'h', sev: 9 },
      { ts: at(1), body: 'h info 2', service: 'h', sev: 12 },
      { ts: at(2), body: 'h error 1', service: 'h', sev: 17 },
      { ts: at(59, 999_999_999n), body: 'h debug edge', service: 'h', sev: 5 },
      { ts: at(60), body: 'h warn', service: 'h', sev: 16 },
      { ts: at(180), body: 'h fatal', service: 'h', sev: 21 },
      { ts: at(185), body: 'h trace', service: 'h', sev: 1 },
      { ts: at(300), body: 'h notice', service: 'h', text: 'notice' },
      { ts: at(301), body: 'h text error', service: 'h', text: 'ERROR' },
      { ts: at(302), body: 'h nothing', service: 'h' },
      { ts: at(599, 500_000_000n), body: 'h info last', service: 'h', sev: 10 },
      { ts: ns(w.to), body: 'h after', service: 'h', sev: 9 },
      { ts: ns(w.from) - 1n, body: 'h before', service: 'h', sev: 9 },
    ]);
  });

  const zero = { trace: 0, debug: 0, info: 0, warn: 0, error: 0, fatal: 0, unknown: 0, total: 0 };

  it('counts per step and severity, every bucket present, summing to the search total', async () => {
    const r = await get<LogHistogramResponse>('/logs/histogram', {
      from: w.from,
      to: w.to,
      step: '1m',
    });
    expect(r.status).toBe(200);
    const expected = Array.from({ length: 10 }, (_, i) => ({ ...zero, start: w.from + i * MIN }));
    Object.assign(expected[0]!, { info: 2, error: 1, debug: 1, total: 4 });
    Object.assign(expected[1]!, { warn: 1, total: 1 });
    Object.assign(expected[3]!, { fatal: 1, trace: 1, total: 2 });
    Object.assign(expected[5]!, { unknown: 2, error: 1, total: 3 });
    Object.assign(expected[9]!, { info: 1, total: 1 });
    expect(r.body).toEqual({
      from: w.from,
      to: w.to,
      stepSeconds: 60,
      total: 11,
      buckets: expected,
    });
    expect(await searchAll({ from: w.from, to: w.to }, 3)).toHaveLength(11);
  });

  it('puts each row in the severity class `level:` searches find it by', async () => {
    const r = await get<LogHistogramResponse>('/logs/histogram', { from: w.from, to: w.to });
    for (const level of ['trace', 'debug', 'info', 'warn', 'error', 'fatal'] as const) {
      const sum = r.body.buckets.reduce((n, b) => n + b[level], 0);
      const found = await searchAll({ q: `level:${level}`, from: w.from, to: w.to });
      expect(sum, level).toBe(found.length);
    }
  });

  it('picks a step for 60–120 buckets and fills the empty ones', async () => {
    const r = await get<LogHistogramResponse>('/logs/histogram', { from: w.from, to: w.to });
    expect(r.body.stepSeconds).toBe(5);
    expect(r.body.buckets).toHaveLength(120);
    expect(r.body.buckets.map((b) => b.start)).toEqual(
      Array.from({ length: 120 }, (_, i) => w.from + i * 5000),
    );
    expect(r.body.buckets[0]).toEqual({ ...zero, start: w.from, info: 2, error: 1, total: 3 });
    expect(r.body.buckets[11]).toEqual({ ...zero, start: w.from + 55_000, debug: 1, total: 1 });
    expect(r.body.buckets.reduce((n, b) => n + b.total, 0)).toBe(11);
  });

  it('agrees with the search for a filtered, unaligned range', async () => {
    const from = w.from + 30_000;
    const to = w.from + 5 * MIN + 30_000;
    for (const q of [undefined, '-level:info', 'level:error OR h*']) {
      const r = await get<LogHistogramResponse>('/logs/histogram', { q, from, to, step: 60 });
      expect(r.body.buckets.map((b) => b.start)).toEqual(
        Array.from({ length: 6 }, (_, i) => w.from + i * MIN),
      );
      const rows = await searchAll({ q, from, to }, 2);
      expect(r.body.total, q).toBe(rows.length);
      expect(r.body.buckets.reduce((n, b) => n + b.total, 0)).toBe(rows.length);
    }
    const all = await get<LogHistogramResponse>('/logs/histogram', { from, to, step: 60 });
    expect(all.body.buckets.map((b) => b.total)).toEqual([1, 1, 0, 2, 0, 3]);
  });
});

describe('GET /logs pagination', () => {
  it('has no gaps or repeats while logs with newer, equal and older timestamps arrive', async () => {
    const w = windowOf(2);
    const X = w.from + 5 * MIN;
    const original: LogSpec[] = [
      ...Array.from({ length: 8 }, (_, i) => ({ ts: ns(X), body: `same-${i}`, service: 'p' })),
      ...Array.from({ length: 10 }, (_, i) => ({
        ts: ns(X + (i - 5) * 1000),
        body: `seq-${i}`,
        service: 'p',
      })),
      // Exact copies: both are returned.
      { ts: ns(X - 60_000), body: 'dup', service: 'p' },
      { ts: ns(X - 60_000), body: 'dup', service: 'p' },
    ];
    await send(original);
    const pages: LogRecord[][] = [];
    const arrivals: { cursorRow: LogRecord; bodies: Set<string> }[] = [];
    let cursor: string | undefined;
    let round = 0;
    do {
      const page = await search({ from: w.from, to: w.to, limit: 3, cursor });
      pages.push(page.rows);
      cursor = page.nextCursor ?? undefined;
      if (cursor && round < 4) {
        // Arrivals between pages: newer than everything, at the cursor's own timestamp, at the
        // first page's timestamp, and older than the cursor.
        const last = page.rows.at(-1)!;
        const lastMs = Number(BigInt(last.timestamp) / 1_000_000n);
        const extra: LogSpec[] = [
          { ts: ns(X + 2 * MIN), body: `r${round}-newer`, service: 'p' },
          ...Array.from({ length: 4 }, (_, i) => ({
            ts: BigInt(last.timestamp),
            body: `r${round}-same-cursor-${i}`,
            service: 'p',
          })),
          { ts: ns(X), body: `r${round}-same-x`, service: 'p' },
          { ts: ns(lastMs - 3 * MIN), body: `r${round}-older`, service: 'p' },
        ];
        await send(extra);
        arrivals.push({ cursorRow: last, bodies: new Set(extra.map((e) => e.body)) });
      }
      round++;
    } while (cursor);

    const seen = pages.flat();
    const truth = await searchAll({ from: w.from, to: w.to });
    const originalBodies = new Set(original.map((o) => o.body));
    // A row that arrived while paging is on a later page exactly when it sorts below the cursor.
    const expected = truth.filter(
      (r) =>
        originalBodies.has(r.body) ||
        arrivals.some((a) => a.bodies.has(r.body) && below(r, a.cursorRow)),
    );
    expect(seen.map(posOf)).toEqual(expected.map(posOf));
    expect(seen.filter((r) => r.body === 'dup')).toHaveLength(2);
    expect(
      bodies(seen)
        .filter((b) => originalBodies.has(b))
        .sort(),
    ).toEqual(original.map((o) => o.body).sort());
    // Deterministic parts of the above: newer rows never show up, older ones always do.
    for (let i = 0; i < arrivals.length; i++) {
      expect(bodies(seen)).not.toContain(`r${i}-newer`);
      expect(bodies(seen)).toContain(`r${i}-older`);
    }
    expect(pages.slice(0, -1).every((p) => p.length === 3)).toBe(true);
  });

  it('returns every exact copy once even when a page ends between copies', async () => {
    const w = windowOf(3);
    const t = ns(w.from + MIN);
    await send([
      { ts: t, body: 'copy', service: 'c', attrs: { a: '1' } },
      { ts: t, body: 'copy', service: 'c', attrs: { a: '1' } },
      { ts: t, body: 'copy', service: 'c', attrs: { a: '1' } },
      { ts: t, body: 'other', service: 'c' },
    ]);
    const truth = await searchAll({ from: w.from, to: w.to });
    expect(truth).toHaveLength(4);
    const byOne = await searchAll({ from: w.from, to: w.to }, 1);
    expect(byOne.map(posOf)).toEqual(truth.map(posOf));
    const byTwo = await searchAll({ from: w.from, to: w.to }, 2);
    expect(byTwo.map(posOf)).toEqual(truth.map(posOf));
  });

  it('keeps the first page’s range on later pages', async () => {
    const w = windowOf(3);
    const first = await search({ from: w.from, to: w.to, limit: 1 });
    const next = await search({ cursor: first.nextCursor!, limit: 1 });
    expect(next).toMatchObject({ from: w.from, to: w.to });
    expect(next.rows).toHaveLength(1);
  });
});

describe('GET /logs/facets', () => {
  const w = windowOf(4);
  const at = (sec: number) => ns(w.from + sec * 1000);

  beforeAll(async () => {
    await send([
      { ts: at(1), body: 'f1', service: 'a', sev: 9, attrs: { region: 'eu' } },
      { ts: at(2), body: 'f2', service: 'a', sev: 9, resource: { region: 'us' } },
      {
        ts: at(3),
        body: 'f3',
        service: 'b',
        sev: 17,
        attrs: { region: 'eu' },
        resource: { region: 'us' },
      },
      { ts: at(4), body: 'f4', service: 'b' },
      { ts: at(5), body: 'f5', sev: 13, attrs: { region: '' } },
      { ts: at(6), body: 'f6', service: 'a', sev: 17, attrs: { region: 'ap' } },
    ]);
  });

  const facets = (params: Params) =>
    get<LogFacetsResponse>('/logs/facets', { from: w.from, to: w.to, ...params });

  it.each([
    [
      'service',
      undefined,
      [
        ['a', 3],
        ['b', 2],
      ],
      1,
    ],
    [
      'region',
      undefined,
      [
        ['eu', 2],
        ['', 1],
        ['ap', 1],
        ['us', 1],
      ],
      1,
    ],
    [
      'attr.region',
      undefined,
      [
        ['eu', 2],
        ['', 1],
        ['ap', 1],
      ],
      2,
    ],
    ['resource.region', undefined, [['us', 2]], 4],
    [
      'level',
      undefined,
      [
        ['error', 2],
        ['info', 2],
        ['warn', 1],
      ],
      1,
    ],
    [
      'severity',
      'service:a',
      [
        ['info', 2],
        ['error', 1],
      ],
      0,
    ],
    [
      'service',
      'level:error',
      [
        ['a', 1],
        ['b', 1],
      ],
      0,
    ],
    [
      'body',
      'region:eu',
      [
        ['f1', 1],
        ['f3', 1],
      ],
      0,
    ],
  ] as const)('field=%s q=%s', async (field, q, values, missing) => {
    const r = await facets({ field, q });
    expect(r.status).toBe(200);
    const total = values.reduce((n, [, c]) => n + c, 0) + missing;
    expect(r.body).toEqual({
      from: w.from,
      to: w.to,
      field,
      values: values.map(([value, count]) => ({ value, count })),
      missing,
      total,
    });
  });

  it('returns the top values only, up to the limit', async () => {
    const r = await facets({ field: 'region', limit: 1 });
    expect(r.body).toMatchObject({ values: [{ value: 'eu', count: 2 }], missing: 1, total: 6 });
  });

  it('refuses fields logs do not have and limits over 100', async () => {
    const r = await facets({ field: 'duration' });
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ error: { code: 'SL_ERR_SEARCH_FIELD' } });
    expect((r.body as unknown as { error: { message: string } }).error.message).toMatch(/^field: /);
    const tooMany = await facets({ field: 'service', limit: 101 });
    expect(tooMany.status).toBe(400);
    expect(tooMany.body).toMatchObject({ error: { code: 'SL_ERR_VALIDATION' } });
  });
});

describe('GET /logs/context', () => {
  const w = windowOf(5);
  const X = w.from + 5 * MIN;

  beforeAll(async () => {
    await send([
      ...[-3, -2, -1, 1, 2, 3].map((d) => ({
        ts: ns(X + d * 1000),
        body: `a${d}`,
        service: 'ctx-a',
      })),
      ...[0, 1, 2].map((i) => ({ ts: ns(X), body: `a0-${i}`, service: 'ctx-a' })),
      { ts: ns(X - 1500), body: 'b-1.5', service: 'ctx-b' },
      { ts: ns(X), body: 'b0', service: 'ctx-b' },
      { ts: ns(X + 500), body: 'b0.5', service: 'ctx-b' },
    ]);
  });

  const chronological = async (q: string) =>
    (await searchAll({ q, from: w.from, to: w.to })).reverse();

  it('returns the neighbours of the same service around an anchor among equal timestamps', async () => {
    const rows = await chronological('service:ctx-a');
    expect(rows).toHaveLength(9);
    const i = rows.findIndex((r) => r.body.startsWith('a0-')) + 1; // the middle of the three
    const anchor = rows[i]!;
    expect(anchor.body).toMatch(/^a0-/);
    const r = await get<LogContextResponse>('/logs/context', {
      timestamp: anchor.timestamp,
      id: anchor.id,
      before: 2,
      after: 2,
    });
    expect(r.status).toBe(200);
    expect(r.body.anchorIndex).toBe(2);
    expect(r.body.rows.map(posOf)).toEqual(rows.slice(i - 2, i + 3).map(posOf));
    expect(r.body.rows.map((x) => x.anchor)).toEqual([false, false, true, false, false]);
    expect(r.body.rows[2]).toEqual({ ...anchor, anchor: true });

    const defaults = await get<LogContextResponse>('/logs/context', {
      timestamp: anchor.timestamp,
      id: anchor.id,
    });
    expect(defaults.body.rows.map(posOf)).toEqual(rows.map(posOf));
    expect(defaults.body.anchorIndex).toBe(i);

    const alone = await get<LogContextResponse>('/logs/context', {
      timestamp: anchor.timestamp,
      id: anchor.id,
      before: 0,
      after: 0,
    });
    expect(alone.body).toEqual({ rows: [{ ...anchor, anchor: true }], anchorIndex: 0 });
  });

  it('takes every service with scope=all', async () => {
    const rows = await chronological('service:ctx-a OR service:ctx-b');
    expect(rows).toHaveLength(12);
    const i = rows.findIndex((r) => r.body === 'b0');
    const anchor = rows[i]!;
    const r = await get<LogContextResponse>('/logs/context', {
      timestamp: anchor.timestamp,
      id: anchor.id,
      before: 4,
      after: 3,
      scope: 'all',
    });
    expect(r.body.rows.map(posOf)).toEqual(rows.slice(i - 4, i + 4).map(posOf));
    expect(r.body.anchorIndex).toBe(4);
    const own = await get<LogContextResponse>('/logs/context', {
      timestamp: anchor.timestamp,
      id: anchor.id,
    });
    expect(bodies(own.body.rows)).toEqual(['b-1.5', 'b0', 'b0.5']);
  });

  it('answers 404 for a log that does not exist and 400 for a malformed one', async () => {
    const rows = await chronological('service:ctx-b');
    const r = await get<{ error: { code: string } }>('/logs/context', {
      timestamp: rows[0]!.timestamp,
      id: (BigInt(rows[0]!.id) ^ 1n).toString(),
    });
    expect(r.status).toBe(404);
    expect(r.body.error.code).toBe('SL_ERR_LOG_NOT_FOUND');
    for (const params of [
      { timestamp: '99999999999999999999', id: '1' },
      { timestamp: '1', id: '99999999999999999999' },
      { timestamp: 'x', id: '1' },
      { timestamp: '1', id: '1', before: 201 },
    ]) {
      const bad = await get<{ error: { code: string } }>('/logs/context', params);
      expect(bad.status, JSON.stringify(params)).toBe(400);
      expect(bad.body.error.code).toBe('SL_ERR_VALIDATION');
    }
  });
});

interface SseEvent {
  event: string;
  data: string;
}

/** Reads SSE events from a fetch body as they arrive. */
function sseReader(body: ReadableStream<Uint8Array>) {
  const reader = body.getReader();
  const decoder = new TextDecoder();
  let buffer = '';
  const events: SseEvent[] = [];
  let comments = 0;
  let ended = false;
  void (async () => {
    try {
      for (;;) {
        const { value, done } = await reader.read();
        if (done) break;
        buffer += decoder.decode(value, { stream: true });
        let at: number;
        while ((at = buffer.indexOf('\n\n')) >= 0) {
          const block = buffer.slice(0, at);
          buffer = buffer.slice(at + 2);
          const event: SseEvent = { event: 'message', data: '' };
          for (const line of block.split('\n')) {
            if (line.startsWith(':')) comments++;
            else if (line.startsWith('event: ')) event.event = line.slice(7);
            else if (line.startsWith('data: ')) event.data += line.slice(6);
          }
          if (event.data !== '') events.push(event);
        }
      }
    } catch {
      // aborted
    }
    ended = true;
  })();
  return {
    events,
    get comments() {
      return comments;
    },
    get ended() {
      return ended;
    },
  };
}

async function until(what: string, ok: () => boolean, timeoutMs = 15_000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await sleep(50);
  }
}

describe('GET /logs/tail', () => {
  it('streams exactly the matching rows stored after it opened, and stops polling on disconnect', async () => {
    const now = () => ns(Date.now());
    await send([{ ts: now() - 2_000_000_000n, body: 'before open', service: 'tail-a', sev: 17 }]);
    expect(logTailStats().open).toBe(0);
    const abort = new AbortController();
    const res = await fetch(
      `${s.apiUrl}/api/v1/logs/tail?${new URLSearchParams({ q: 'service:tail-a level:error' }).toString()}`,
      { signal: abort.signal },
    );
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('text/event-stream; charset=utf-8');
    const sse = sseReader(res.body!);
    await until('ready', () => sse.events.some((e) => e.event === 'ready'));
    expect(JSON.parse(sse.events[0]!.data)).toEqual({ pollMs: 1000, lookbackMs: 30_000 });
    expect(logTailStats().open).toBe(1);

    await send([
      { ts: now(), body: 'm1', service: 'tail-a', sev: 17 },
      { ts: now() - 5_000_000_000n, body: 'm2 (5 s late)', service: 'tail-a', sev: 18 },
      { ts: now(), body: 'n1 (info)', service: 'tail-a', sev: 9 },
      { ts: now(), body: 'n2 (other service)', service: 'tail-b', sev: 17 },
    ]);
    await sleep(1500);
    await send([{ ts: now() - 1_000_000_000n, body: 'm3', service: 'tail-a', text: 'error' }]);
    const received = () =>
      sse.events
        .filter((e) => e.event === 'logs')
        .flatMap((e) => (JSON.parse(e.data) as { rows: LogRecord[] }).rows);
    await until('three rows', () => received().length >= 3);
    await sleep(2500); // more polls: nothing is sent twice, nothing else matches
    expect(bodies(received()).sort()).toEqual(['m1', 'm2 (5 s late)', 'm3']);
    expect(received().find((r) => r.body === 'm1')).toMatchObject({
      service: 'tail-a',
      level: 'error',
      severityNumber: 17,
    });
    expect(sse.events.map((e) => e.event).filter((e) => e !== 'logs')).toEqual(['ready']);

    abort.abort();
    await until('the tail to stop', () => logTailStats().open === 0, 5000);
    const polls = logTailStats().polls;
    await sleep(2500);
    expect(logTailStats().polls).toBe(polls);
  });

  it('refuses a bad q with a JSON 400 before streaming', async () => {
    const res = await fetch(`${s.apiUrl}/api/v1/logs/tail?q=${encodeURIComponent('a:(')}`);
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'SL_ERR_SEARCH_SYNTAX' } });
    expect(logTailStats().open).toBe(0);
  });
});

describe('client errors', () => {
  const w = windowOf(0);
  const anotherCursor = async () => {
    const page = await search({ from: w.from, to: w.to, limit: 1 });
    return page.nextCursor!;
  };

  it.each([
    ['/logs', { q: 'service:(a' }, 'SL_ERR_SEARCH_SYNTAX', /^q: at position 10: /],
    [
      '/logs',
      { q: 'duration:>5ms' },
      'SL_ERR_SEARCH_FIELD',
      /^q: field 'duration' applies to spans only/,
    ],
    ['/logs', { q: 'level:>loud' }, 'SL_ERR_SEARCH_VALUE', /^q: /],
    ['/logs', { from: 'yesterday' }, 'SL_ERR_TIME_RANGE', /^from: /],
    ['/logs', { from: w.to, to: w.from }, 'SL_ERR_TIME_RANGE', /must be before to/],
    [
      '/logs',
      { from: '2024-01-01T00:00:00Z', to: '2024-03-01T00:00:00Z' },
      'SL_ERR_TIME_RANGE',
      /at most 31d/,
    ],
    ['/logs', { limit: 5001 }, 'SL_ERR_VALIDATION', /limit/],
    ['/logs', { limit: 0 }, 'SL_ERR_VALIDATION', /limit/],
    ['/logs', { cursor: 'not-a-cursor' }, 'SL_ERR_CURSOR', /^cursor: not a cursor this API made/],
    ['/logs/histogram', { step: '5 minutes' }, 'SL_ERR_STEP', /^step: /],
    [
      '/logs/histogram',
      { step: '1s', from: w.from, to: w.from + 86_400_000 },
      'SL_ERR_STEP',
      /86400 buckets/,
    ],
    ['/logs/histogram', { q: '(' }, 'SL_ERR_SEARCH_SYNTAX', /^q: /],
    ['/logs/facets', {}, 'SL_ERR_VALIDATION', /field/],
  ] as const)('%s %j → %s', async (path, params, code, message) => {
    const r = await get<{ error: { code: string; message: string; requestId: string } }>(
      path,
      params,
    );
    expect(r.status).toBe(400);
    expect(r.body.error.code).toBe(code);
    expect(r.body.error.message).toMatch(message);
    expect(r.body.error.requestId).toBeTruthy();
  });

  it('refuses a cursor from another search', async () => {
    const cursor = await anotherCursor();
    const r = await get<{ error: { code: string; message: string } }>('/logs', {
      q: 'level:error',
      cursor,
    });
    expect(r.status).toBe(400);
    expect(r.body.error).toMatchObject({
      code: 'SL_ERR_CURSOR',
      message: 'cursor: it belongs to a different q; start again without a cursor',
    });
  });
});
