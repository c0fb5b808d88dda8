import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CriticalPathResponse,
  OperationsResponse,
  ServicesResponse,
  TraceResponse,
  TraceSearchResponse,
  TraceSummary,
} from '@sightline/model/api/traces';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';

/**
 * The traces API end to end: every row enters through the OTLP endpoint, every answer is read
 * through the HTTP API. Each test writes into its own one-minute slot (and its own services), so
 * the explicit from/to of one test never sees another test's traces.
 */

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close());

const MS = 1_000_000n;
const SEC = 1000n * MS;
// Inside the default "last hour" for as long as this file can run.
const BASE = BigInt(Date.now() - 30 * 60_000) * MS;
const slot = (n: number): bigint => BASE + BigInt(n) * 60n * SEC;
const isoOf = (ns: bigint): string => new Date(Number(ns / MS)).toISOString();
const window = (n: number) => ({ from: isoOf(slot(n)), to: isoOf(slot(n + 1)) });

let idSeq = 0;
const newTraceId = () => (++idSeq).toString(16).padStart(32, '0');
const newSpanId = () => (++idSeq).toString(16).padStart(16, '0');

interface TestSpan {
  traceId: string;
  spanId: string;
  parent?: string;
  service: string;
  name: string;
  start: bigint;
  end: bigint;
  kind?: number; // 1 internal, 2 server, 3 client
  status?: 0 | 1 | 2; // unset, ok, error
  attrs?: Record<string, string>;
}

const kv = (attrs: Record<string, string> = {}) =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));

function byService<T extends { service: string }>(items: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.service, [...(groups.get(item.service) ?? []), item]);
  return [...groups];
}

async function postOtlp(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${s.otlpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

const sendSpans = (spans: TestSpan[]) =>
  postOtlp('/v1/traces', {
    resourceSpans: byService(spans).map(([service, list]) => ({
      resource: { attributes: kv({ 'service.name': service }) },
      scopeSpans: [
        {
          scope: { name: 'traces.int.test' },
          spans: list.map((sp) => ({
            traceId: sp.traceId,
            spanId: sp.spanId,
            parentSpanId: sp.parent ?? '',
            name: sp.name,
            kind: sp.kind ?? 1,
            startTimeUnixNano: sp.start.toString(),
            endTimeUnixNano: sp.end.toString(),
            status: { code: sp.status ?? 0 },
            attributes: kv(sp.attrs),
          })),
        },
      ],
    })),
  });

interface TestLog {
  service: string;
  time: bigint;
  traceId: string;
  spanId: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attrs?: Record<string, string>;
}

const sendLogs = (logs: TestLog[]) =>
  postOtlp('/v1/logs', {
    resourceLogs: byService(logs).map(([service, list]) => ({
      resource: { attributes: kv({ 'service.name': service }) },
      scopeLogs: [
        {
          logRecords: list.map((l) => ({
            timeUnixNano: l.time.toString(),
            traceId: l.traceId,
            spanId: l.spanId,
            severityNumber: l.severityNumber,
            severityText: l.severityText,
            body: { stringValue: l.body },
            attributes: kv(l.attrs),
          })),
        },
      ],
    })),
  });

/** A one-span trace. */
function single(
  service: string,
  name: string,
  start: bigint,
  durationNs: bigint,
  extra: Partial<TestSpan> = {},
): TestSpan {
  return {
    traceId: newTraceId(),
    spanId: newSpanId(),
    service,
    name,
    start,
    end: start + durationNs,
    ...extra,
  };
}

async function api<T>(path: string, query: Record<string, string | number | undefined> = {}) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  const res = await fetch(`${s.apiUrl}/api/v1${path}${qs ? `?${qs}` : ''}`);
  return { status: res.status, body: (await res.json()) as T };
}

async function search(
  query: Record<string, string | number | undefined>,
): Promise<TraceSearchResponse> {
  const res = await api<TraceSearchResponse>('/traces', query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

const ids = (r: TraceSearchResponse) => r.traces.map((t) => t.traceId);

describe('GET /traces', () => {
  it('finds a trace by an attribute of a non-root span and summarises the whole trace', async () => {
    const t = slot(1);
    const root = { traceId: newTraceId(), spanId: newSpanId() };
    const visa: TestSpan[] = [
      {
        ...root,
        service: 'frontend',
        name: 'GET /checkout',
        start: t,
        end: t + 300n * MS,
        kind: 2,
      },
      {
        traceId: root.traceId,
        spanId: newSpanId(),
        parent: root.spanId,
        service: 'cart',
        name: 'cart.get',
        start: t + 10n * MS,
        end: t + 50n * MS,
        kind: 3,
      },
      {
        traceId: root.traceId,
        spanId: newSpanId(),
        parent: root.spanId,
        service: 'payment',
        name: 'charge',
        start: t + 60n * MS,
        end: t + 250n * MS,
        status: 2,
        attrs: { 'payment.card': 'visa-7731' },
      },
    ];
    const amexRoot = { traceId: newTraceId(), spanId: newSpanId() };
    const amex: TestSpan[] = [
      {
        ...amexRoot,
        service: 'frontend',
        name: 'GET /checkout',
        start: t + SEC,
        end: t + SEC + 100n * MS,
        kind: 2,
      },
      {
        traceId: amexRoot.traceId,
        spanId: newSpanId(),
        parent: amexRoot.spanId,
        service: 'payment',
        name: 'charge',
        start: t + SEC + 10n * MS,
        end: t + SEC + 90n * MS,
        attrs: { 'payment.card': 'amex-1' },
      },
    ];
    // Only a child reached the store: its parent id points at a span that does not exist.
    const orphan = single('payment', 'charge', t + 2n * SEC, 40n * MS, {
      parent: newSpanId(),
      attrs: { 'payment.card': 'visa-0001' },
    });
    const orphan2: TestSpan = {
      ...single('ledger', 'write', t + 2n * SEC + 5n * MS, 10n * MS),
      traceId: orphan.traceId,
      parent: newSpanId(),
    };
    await sendSpans([...visa, ...amex, orphan, orphan2]);

    expect(await search({ q: 'payment.card:visa-7731', ...window(1) })).toEqual({
      traces: [
        {
          traceId: root.traceId,
          rootServiceName: 'frontend',
          rootName: 'GET /checkout',
          rootSpanMissing: false,
          startTimeUnixNano: t.toString(),
          durationNano: (300n * MS).toString(),
          spanCount: 3,
          services: ['cart', 'frontend', 'payment'],
          errorCount: 1,
        },
      ],
      nextCursor: null,
    });
    // Filters hold on one and the same span: no frontend span carries the card attribute.
    expect(
      ids(await search({ service: 'frontend', q: 'payment.card:visa-7731', ...window(1) })),
    ).toEqual([]);
    expect(ids(await search({ service: 'payment', operation: 'charge', ...window(1) }))).toEqual([
      orphan.traceId,
      amexRoot.traceId,
      root.traceId,
    ]);
    const [missing] = (await search({ q: 'payment.card:visa-0001', ...window(1) })).traces;
    expect(missing).toEqual<TraceSummary>({
      traceId: orphan.traceId,
      rootServiceName: 'payment',
      rootName: 'charge',
      rootSpanMissing: true,
      startTimeUnixNano: orphan.start.toString(),
      durationNano: (40n * MS).toString(),
      spanCount: 2,
      services: ['ledger', 'payment'],
      errorCount: 0,
    });
  });

  it('applies duration filters to the whole trace, exact at the boundaries', async () => {
    const t = slot(2);
    const exactly500 = single('dur', 'five-hundred', t, 500n * MS);
    const exactly499 = single('dur', 'four-ninety-nine', t + SEC, 499n * MS);
    // The root lasts 300 ms, but a child it did not wait for ends 600 ms after the trace began.
    const longRoot = single('dur', 'fire-and-forget', t + 2n * SEC, 300n * MS);
    const longChild: TestSpan = {
      traceId: longRoot.traceId,
      spanId: newSpanId(),
      parent: longRoot.spanId,
      service: 'dur',
      name: 'async',
      start: t + 2n * SEC + 100n * MS,
      end: t + 2n * SEC + 600n * MS,
    };
    await sendSpans([exactly500, exactly499, longRoot, longChild]);
    const q = async (d: Record<string, string>) =>
      ids(await search({ service: 'dur', ...window(2), ...d }));

    expect(await q({ minDuration: '500ms' })).toEqual([longRoot.traceId, exactly500.traceId]);
    expect(await q({ minDuration: '500.000001ms' })).toEqual([longRoot.traceId]);
    expect(await q({ maxDuration: '499ms' })).toEqual([exactly499.traceId]);
    expect(await q({ maxDuration: '500ms' })).toEqual([exactly499.traceId, exactly500.traceId]);
    expect(await q({ minDuration: '0.5s', maxDuration: '500000000ns' })).toEqual([
      exactly500.traceId,
    ]);
    expect(await q({ minDuration: '600' })).toEqual([longRoot.traceId]); // bare number: ms
    const [long] = (await search({ service: 'dur', minDuration: '1.5s', ...window(2) })).traces;
    expect(long).toBeUndefined();
  });

  it('filters on span status', async () => {
    const t = slot(3);
    const errRoot = single('stat', 'checkout', t, 100n * MS);
    const errChild: TestSpan = {
      traceId: errRoot.traceId,
      spanId: newSpanId(),
      parent: errRoot.spanId,
      service: 'stat-db',
      name: 'query',
      start: t + 10n * MS,
      end: t + 20n * MS,
      status: 2,
    };
    const ok = single('stat', 'checkout', t + SEC, 100n * MS, { status: 1 });
    const unset = single('stat', 'checkout', t + 2n * SEC, 100n * MS);
    await sendSpans([errRoot, errChild, ok, unset]);

    const errors = await search({ status: 'error', ...window(3) });
    expect(ids(errors)).toEqual([errRoot.traceId]);
    expect(errors.traces[0]?.errorCount).toBe(1);
    expect(ids(await search({ status: 'ok', ...window(3) }))).toEqual([ok.traceId]);
    expect(ids(await search({ status: 'unset', ...window(3) }))).toEqual([
      unset.traceId,
      errRoot.traceId,
    ]);
    // Same span: the error is on stat-db, not on a stat span.
    expect(ids(await search({ status: 'error', service: 'stat', ...window(3) }))).toEqual([]);
  });

  it('evaluates NOT and OR in q', async () => {
    const t = slot(4);
    const dev = single('qsvc', 'op', t, MS, { attrs: { env: 'dev' } });
    const prod = single('qsvc', 'op', t + SEC, MS, { attrs: { env: 'prod' } });
    const stage = single('qsvc', 'op', t + 2n * SEC, MS, { attrs: { env: 'stage' } });
    const other = single('qother', 'op', t + 3n * SEC, MS, { attrs: { env: 'prod' } });
    await sendSpans([dev, prod, stage, other]);
    const q = async (text: string) => ids(await search({ q: text, ...window(4) }));

    expect(await q('service:qsvc -env:dev')).toEqual([stage.traceId, prod.traceId]);
    expect(await q('service:qsvc AND (env:prod OR env:stage)')).toEqual([
      stage.traceId,
      prod.traceId,
    ]);
    expect(await q('service:qsvc NOT (env:prod OR env:stage)')).toEqual([dev.traceId]);
    expect(await q('env:prod OR env:dev')).toEqual([other.traceId, prod.traceId, dev.traceId]);
    expect(await q('NOT service:qsvc')).toEqual([other.traceId]);
  });

  it('pages with an opaque cursor, without gaps or repeats while data keeps arriving', async () => {
    const t = slot(20);
    // Ten traces one second apart, except two that start at the same nanosecond (ordered by id).
    const traces = Array.from({ length: 10 }, (_, i) =>
      single('pager', `op-${i}`, t - BigInt(i === 5 ? 4 : i) * SEC, 5n * MS),
    );
    await sendSpans(traces);
    const expected = [...traces]
      .sort((a, b) =>
        a.start !== b.start ? (a.start > b.start ? -1 : 1) : a.traceId > b.traceId ? -1 : 1,
      )
      .map((x) => x.traceId);

    const seen: string[] = [];
    let cursor: string | undefined;
    let pages = 0;
    const newer = single('pager', 'newer', t + SEC, 5n * MS);
    const older = single('pager', 'older', t - 30n * SEC, 5n * MS);
    do {
      // Default range (the last hour): the cursor keeps the first page's window.
      const page = await search({ service: 'pager', limit: 3, cursor });
      seen.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
      pages++;
      if (pages === 1) {
        expect(cursor).toMatch(/^[A-Za-z0-9_-]+$/);
        // Arrives between pages: one trace above the cursor, one below.
        await sendSpans([newer, older, single('elsewhere', 'noise', t, MS)]);
      }
    } while (cursor !== undefined && pages < 10);

    expect(pages).toBe(4);
    expect(seen).toEqual([...expected, older.traceId]);
    // A fresh first page sees the newcomer at the top.
    expect(ids(await search({ service: 'pager', limit: 3 }))[0]).toBe(newer.traceId);
  });
});

describe('GET /services and /services/:service/operations', () => {
  it('lists the services and operations seen in the range', async () => {
    const t = slot(6);
    await sendSpans([
      single('svc-b', 'GET /b', t, MS, { kind: 2 }),
      single('svc-a', 'GET /a', t + SEC, MS, { kind: 2 }),
      single('svc-a', 'GET /a', t + 2n * SEC, MS, { kind: 2 }),
      single('svc-a', 'GET /a', t + 3n * SEC, MS, { kind: 3 }),
      single('svc-a', 'db', t + 4n * SEC, MS, { kind: 3 }),
      single('svc-c', 'later', slot(7) + SEC, MS),
    ]);
    expect((await api<ServicesResponse>('/services', window(6))).body).toEqual({
      services: ['svc-a', 'svc-b'],
    });
    expect(
      (await api<ServicesResponse>('/services', { from: isoOf(slot(6)), to: isoOf(slot(8)) })).body,
    ).toEqual({
      services: ['svc-a', 'svc-b', 'svc-c'],
    });
    const all = (await api<ServicesResponse>('/services')).body.services;
    expect(all).toEqual([...all].sort());
    expect(all).toEqual(expect.arrayContaining(['svc-a', 'svc-b', 'svc-c']));

    expect((await api<OperationsResponse>('/services/svc-a/operations', window(6))).body).toEqual({
      service: 'svc-a',
      operations: [
        { name: 'GET /a', kind: 'Client', spanCount: 1 },
        { name: 'GET /a', kind: 'Server', spanCount: 2 },
        { name: 'db', kind: 'Client', spanCount: 1 },
      ],
    });
    expect(
      (await api<OperationsResponse>('/services/svc-a/operations', window(7))).body.operations,
    ).toEqual([]);
    expect(
      (await api<OperationsResponse>(`/services/${encodeURIComponent('no such')}/operations`)).body,
    ).toEqual({
      service: 'no such',
      operations: [],
    });
  });
});

describe('errors', () => {
  it('answers bad parameters with 400 and a stable code naming the problem', async () => {
    const badCursor = Buffer.from(JSON.stringify({ s: '1' })).toString('base64url');
    const cases: [string, string, Record<string, string>, string, RegExp][] = [
      ['bad q', '/traces', { q: 'service:' }, 'SL_ERR_SEARCH_SYNTAX', /at position 8: expected/],
      ['bad q value', '/traces', { q: 'duration:>fast' }, 'SL_ERR_SEARCH_VALUE', /not a duration/],
      ['logs-only field', '/traces', { q: 'level:error' }, 'SL_ERR_SEARCH_FIELD', /level/],
      [
        'bad from',
        '/traces',
        { from: 'yesterday' },
        'SL_ERR_INVALID_TIME_RANGE',
        /^from: expected ISO-8601/,
      ],
      [
        'bad to',
        '/traces',
        { to: '2024-02-30T00:00:00Z' },
        'SL_ERR_INVALID_TIME_RANGE',
        /^to: expected/,
      ],
      [
        'from after to',
        '/traces',
        { from: '2024-05-02T00:00:00Z', to: '2024-05-01T00:00:00Z' },
        'SL_ERR_INVALID_TIME_RANGE',
        /from must be before to/,
      ],
      [
        'range too long',
        '/traces',
        { from: '2024-01-01', to: '2024-03-01' },
        'SL_ERR_INVALID_TIME_RANGE',
        /more than 31 days/,
      ],
      [
        'garbage cursor',
        '/traces',
        { cursor: 'not a cursor!' },
        'SL_ERR_INVALID_CURSOR',
        /^cursor:/,
      ],
      ['forged cursor', '/traces', { cursor: badCursor }, 'SL_ERR_INVALID_CURSOR', /^cursor:/],
      [
        'limit over max',
        '/traces',
        { limit: '1001' },
        'SL_ERR_VALIDATION',
        /limit must be <= 1000/,
      ],
      ['limit zero', '/traces', { limit: '0' }, 'SL_ERR_VALIDATION', /limit must be >= 1/],
      ['bad status', '/traces', { status: 'maybe' }, 'SL_ERR_VALIDATION', /status/],
      [
        'bad minDuration',
        '/traces',
        { minDuration: 'fast' },
        'SL_ERR_INVALID_DURATION',
        /^minDuration:/,
      ],
      [
        'min over max',
        '/traces',
        { minDuration: '2s', maxDuration: '1s' },
        'SL_ERR_INVALID_DURATION',
        /greater than maxDuration/,
      ],
      ['services bad to', '/services', { to: 'soon' }, 'SL_ERR_INVALID_TIME_RANGE', /^to:/],
      [
        'operations bad from',
        '/services/a/operations',
        { from: '1e9' },
        'SL_ERR_INVALID_TIME_RANGE',
        /^from:/,
      ],
      ['trace id not hex', '/traces/xyz', {}, 'SL_ERR_VALIDATION', /traceId/],
    ];
    for (const [name, path, query, code, message] of cases) {
      const res = await api<{ error: { code: string; message: string } }>(path, query);
      expect({ name, status: res.status, code: res.body.error.code }).toEqual({
        name,
        status: 400,
        code,
      });
      expect(res.body.error.message, name).toMatch(message);
    }
  });

  it('answers 404 for a trace that does not exist', async () => {
    for (const path of ['', '/critical-path']) {
      const res = await api<{ error: { code: string } }>(`/traces/${'f'.repeat(32)}${path}`);
      expect({ status: res.status, code: res.body.error.code }).toEqual({
        status: 404,
        code: 'SL_ERR_TRACE_NOT_FOUND',
      });
    }
  });
});

describe('GET /traces/:traceId', () => {
  it('returns all 10,000 spans of a big trace with their parents, and its logs in time order', async () => {
    const t = slot(8);
    const traceId = newTraceId();
    const n = 10_000;
    const spanIds = Array.from({ length: n }, () => newSpanId());
    const parentOf = (i: number) => (i === 0 ? '' : (spanIds[Math.floor((i - 1) / 3)] ?? ''));
    const spans: TestSpan[] = spanIds.map((spanId, i) => ({
      traceId,
      spanId,
      parent: parentOf(i),
      service: `big-${i % 5}`,
      name: `step-${i % 7}`,
      start: t + BigInt(i) * 10_000n,
      end: i === 0 ? t + 2n * SEC : t + BigInt(i) * 10_000n + MS,
    }));
    for (let from = 0; from < n; from += 2_500) await sendSpans(spans.slice(from, from + 2_500));
    const logs: TestLog[] = [
      {
        service: 'big-1',
        time: t + 5n * MS,
        traceId,
        spanId: spanIds[1] ?? '',
        severityNumber: 9,
        severityText: 'INFO',
        body: 'started',
        attrs: { step: '1' },
      },
      {
        service: 'big-0',
        time: t + MS,
        traceId,
        spanId: spanIds[0] ?? '',
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'first',
        attrs: {},
      },
      {
        service: 'big-2',
        time: t + 9n * MS,
        traceId,
        spanId: '',
        severityNumber: 13,
        severityText: 'WARN',
        body: 'outside a span',
        attrs: { k: 'v' },
      },
      {
        service: 'big-2',
        time: t + 2n * MS,
        traceId: newTraceId(),
        spanId: '',
        severityNumber: 9,
        severityText: 'INFO',
        body: 'another trace',
      },
    ];
    await sendLogs(logs);

    const res = await api<TraceResponse>(`/traces/${traceId.toUpperCase()}`);
    expect(res.status).toBe(200);
    const { spans: got, logs: gotLogs, ...rest } = res.body;
    expect(rest).toEqual({ traceId, spansTruncated: false, logsTruncated: false });
    expect(got).toHaveLength(n);
    const parents = new Map(got.map((sp) => [sp.spanId, sp.parentSpanId]));
    const wrong = spanIds.filter((id, i) => parents.get(id) !== parentOf(i));
    expect(wrong).toEqual([]);
    expect(got[0]?.spanId).toBe(spanIds[0]);

    expect(gotLogs).toEqual(
      [logs[1], logs[0], logs[2]].map((l) => ({
        timeUnixNano: l?.time.toString(),
        severityText: l?.severityText,
        severityNumber: l?.severityNumber,
        body: l?.body,
        serviceName: l?.service,
        spanId: l?.spanId,
        attributes: l?.attrs,
      })),
    );

    const [summary] = (await search({ q: `trace_id:${traceId}`, ...window(8) })).traces;
    expect(summary).toMatchObject({
      spanCount: n,
      services: ['big-0', 'big-1', 'big-2', 'big-3', 'big-4'],
      rootName: 'step-0',
      durationNano: (2n * SEC).toString(),
    });

    const path = await api<CriticalPathResponse>(`/traces/${traceId}/critical-path`);
    expect(path.status).toBe(200);
    expect(path.body.rootSpanId).toBe(spanIds[0]);
    const segments = path.body.segments;
    expect(segments[0]?.startTimeUnixNano).toBe(t.toString());
    expect(segments.at(-1)?.endTimeUnixNano).toBe((t + 2n * SEC).toString());
    const gaps = segments.filter(
      (seg, i) => i > 0 && seg.startTimeUnixNano !== segments[i - 1]?.endTimeUnixNano,
    );
    expect(gaps).toEqual([]);
  });
});

describe('GET /traces/:traceId/critical-path', () => {
  it('returns the chain of span segments behind the trace latency', async () => {
    const t = slot(9);
    const traceId = newTraceId();
    const [r, a, b, c, async] = ['r', 'a', 'b', 'c', 'async'].map(() => newSpanId()) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const at = (ms: number) => t + BigInt(ms) * MS;
    await sendSpans([
      {
        traceId,
        spanId: r,
        service: 'gateway',
        name: 'GET /order',
        start: at(0),
        end: at(100),
        kind: 2,
      },
      {
        traceId,
        spanId: a,
        parent: r,
        service: 'auth',
        name: 'verify',
        start: at(10),
        end: at(40),
      },
      {
        traceId,
        spanId: b,
        parent: r,
        service: 'orders',
        name: 'load',
        start: at(50),
        end: at(90),
      },
      { traceId, spanId: c, parent: b, service: 'db', name: 'SELECT', start: at(60), end: at(80) },
      {
        traceId,
        spanId: async,
        parent: r,
        service: 'audit',
        name: 'record',
        start: at(95),
        end: at(150),
      },
    ]);
    const seg = (spanId: string, serviceName: string, name: string, from: number, to: number) => ({
      spanId,
      serviceName,
      name,
      startTimeUnixNano: at(from).toString(),
      endTimeUnixNano: at(to).toString(),
      durationNano: ((BigInt(to) - BigInt(from)) * MS).toString(),
    });
    const res = await api<CriticalPathResponse>(`/traces/${traceId}/critical-path`);
    expect(res).toEqual({
      status: 200,
      body: {
        traceId,
        rootSpanId: r,
        rootSpanMissing: false,
        segments: [
          seg(r, 'gateway', 'GET /order', 0, 10),
          seg(a, 'auth', 'verify', 10, 40),
          seg(r, 'gateway', 'GET /order', 40, 50),
          seg(b, 'orders', 'load', 50, 60),
          seg(c, 'db', 'SELECT', 60, 80),
          seg(b, 'orders', 'load', 80, 90),
          seg(r, 'gateway', 'GET /order', 90, 95),
          // Outlives the root: only the part inside the root counts.
          seg(async, 'audit', 'record', 95, 100),
        ],
      },
    });
  });
});
