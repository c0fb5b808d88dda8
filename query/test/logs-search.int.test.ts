import { beforeAll, describe, expect, it } from 'vitest';
import type { LogRecord } from '@sightline/model/api/logs';
import {
  MIN,
  below,
  bodies,
  get,
  ns,
  posOf,
  search,
  searchAll,
  send,
  windowOf,
  type LogSpec,
} from './logs-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/** The logs API end to end: search, pagination and client errors. */
useSightline();

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
        eventName: 'payment.déclinée',
        scope: { name: '@shop/payments', version: '3.1.0' },
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
      eventName: 'payment.déclinée',
      scope: { name: '@shop/payments', version: '3.1.0' },
      attributes: { 'order.id': '2', 'http.status_code': '502' },
      resourceAttributes: { 'service.name': 'checkout', env: 'prod' },
    });
    expect(all.rows[4]).toMatchObject({
      eventName: '',
      scope: { name: 'logs-int-test', version: '' },
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
    ['event_name:"payment.déclinée"', ['payment failed: card declined']],
    ['event_name:payment.*', ['payment failed: card declined']],
    [
      '-event_name:* service:checkout',
      ['slow payment provider', 'payment accepted', 'window start'],
    ],
    ['scope.name:"@shop/payments" scope.version:3.1.0', ['payment failed: card declined']],
    ['scope.version:3.1.1', []],
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
