import { describe, expect, it } from 'vitest';
import type {
  OperationsResponse,
  ServicesResponse,
  TraceSummary,
} from '@sightline/model/api/traces';
import {
  MS,
  SEC,
  api,
  ids,
  isoOf,
  newSpanId,
  newTraceId,
  search,
  sendSpans,
  single,
  slot,
  window,
  type TestSpan,
} from './traces-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/** The traces API end to end: trace search and paging, and the services and operations lists. */
useSightline();

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

  it('orders long traces by their start, also when only their newest span matches', async () => {
    // The search reads the newest spans first. Two long traces matched only there (one started
    // before `from`, which counts: a span inside the range matches) must still come after the
    // traces that started later, whose spans are older.
    const from = slot(0) - 5n * 60n * SEC;
    const to = slot(25);
    const long = (start: bigint, lateAt: bigint): TestSpan[] => {
      const root = { traceId: newTraceId(), spanId: newSpanId() };
      return [
        { ...root, service: 'win-root', name: 'batch', start, end: to },
        {
          traceId: root.traceId,
          spanId: newSpanId(),
          parent: root.spanId,
          service: 'windowed',
          name: 'late step',
          start: lateAt,
          end: lateAt + SEC,
        },
      ];
    };
    const early = long(from - 5n * 60n * SEC, slot(24) + 40n * SEC);
    const later = long(from + 60n * SEC, slot(24) + 45n * SEC);
    const middle = single('windowed', 'middle', slot(15), MS);
    const newest = single('windowed', 'newest', slot(20), MS);
    await sendSpans([...early, ...later, middle, newest]);
    const range = { from: isoOf(from), to: isoOf(to), service: 'windowed' };
    const all = await search({ ...range, limit: 10 });
    const expected = [newest, middle, later[0]!, early[0]!].map((s) => s.traceId);
    expect(ids(all)).toEqual(expected);
    expect(all.traces[3]).toMatchObject({
      startTimeUnixNano: String(from - 5n * 60n * SEC),
      spanCount: 2,
      rootName: 'batch',
    });
    const paged: string[] = [];
    let cursor: string | undefined;
    do {
      const page = await search({ ...range, limit: 1, cursor });
      paged.push(...ids(page));
      cursor = page.nextCursor ?? undefined;
    } while (cursor !== undefined && paged.length < 6);
    expect(paged).toEqual(expected);
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
      signals: [
        { service: 'svc-a', signals: ['traces'] },
        { service: 'svc-b', signals: ['traces'] },
      ],
    });
    expect(
      (await api<ServicesResponse>('/services', { from: isoOf(slot(6)), to: isoOf(slot(8)) })).body,
    ).toMatchObject({
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
