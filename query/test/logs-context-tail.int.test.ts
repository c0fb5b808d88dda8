import { beforeAll, describe, expect, it } from 'vitest';
import type { LogContextResponse, LogRecord } from '@sightline/model/api/logs';
import { logTailStats } from '../src/sql/logs-tail.ts';
import { MIN, bodies, get, ns, posOf, searchAll, send, sleep, windowOf } from './logs-fixtures.ts';
import { sseReader, until } from './sse-reader.ts';
import { sightline, useSightline } from './use-sightline.ts';

/** The logs API end to end: the context around one log, and the live tail. */
useSightline();

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

describe('GET /logs/tail', () => {
  it('streams exactly the matching rows stored after it opened, and stops polling on disconnect', async () => {
    const now = () => ns(Date.now());
    await send([{ ts: now() - 2_000_000_000n, body: 'before open', service: 'tail-a', sev: 17 }]);
    expect(logTailStats().open).toBe(0);
    const abort = new AbortController();
    const res = await fetch(
      `${sightline().apiUrl}/api/v1/logs/tail?${new URLSearchParams({ q: 'service:tail-a level:error' }).toString()}`,
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
    const res = await fetch(
      `${sightline().apiUrl}/api/v1/logs/tail?q=${encodeURIComponent('a:(')}`,
    );
    expect(res.status).toBe(400);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toMatchObject({ error: { code: 'SL_ERR_SEARCH_SYNTAX' } });
    expect(logTailStats().open).toBe(0);
  });
});
