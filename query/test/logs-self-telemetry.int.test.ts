import { beforeAll, describe, expect, it } from 'vitest';
import type { LogFacetsResponse, LogHistogramResponse, LogRecord } from '@sightline/model/api/logs';
import { bodies, get, ns, searchAll, send, windowOf } from './logs-fixtures.ts';
import { sseReader, until } from './sse-reader.ts';
import { sightline, useSightline } from './use-sightline.ts';

/** Sightline's own logs (sightline-* services) stay out of log search unless asked for. */
useSightline();

const w = windowOf(2);
const at = (sec: number) => ns(w.from + sec * 1000);

beforeAll(async () => {
  await send([
    { ts: at(1), body: 'shop order placed', service: 'shop', sev: 9 },
    { ts: at(2), body: 'own insert done', service: 'sightline-all-in-one', sev: 9 },
    { ts: at(3), body: 'own receive done', service: 'sightline-receive-ingest', sev: 17 },
    // Named like Sightline but not one of its roles: a user's service, always shown.
    { ts: at(4), body: 'lookalike', service: 'sightline-shop', sev: 9 },
  ]);
});

describe('logs and self-telemetry', () => {
  const range = { from: w.from, to: w.to };

  it('hides Sightline’s own logs from search, histogram and facets by default', async () => {
    expect(bodies(await searchAll(range))).toEqual(['lookalike', 'shop order placed']);
    expect(bodies(await searchAll({ ...range, selfTelemetry: 'hide' }))).toEqual([
      'lookalike',
      'shop order placed',
    ]);
    const hist = await get<LogHistogramResponse>('/logs/histogram', range);
    expect(hist.body.total).toBe(2);
    const facets = await get<LogFacetsResponse>('/logs/facets', { ...range, field: 'service' });
    expect(facets.body.values).toEqual([
      { value: 'shop', count: 1 },
      { value: 'sightline-shop', count: 1 },
    ]);
  });

  it('shows them with selfTelemetry=show, everywhere alike', async () => {
    const show = { ...range, selfTelemetry: 'show' };
    expect(bodies(await searchAll(show))).toEqual([
      'lookalike',
      'own receive done',
      'own insert done',
      'shop order placed',
    ]);
    const hist = await get<LogHistogramResponse>('/logs/histogram', show);
    expect(hist.body.total).toBe(4);
    expect(hist.body.buckets.reduce((n, b) => n + b.error, 0)).toBe(1);
    const facets = await get<LogFacetsResponse>('/logs/facets', { ...show, field: 'service' });
    expect(facets.body.values.map((v) => v.value)).toEqual([
      'shop',
      'sightline-all-in-one',
      'sightline-receive-ingest',
      'sightline-shop',
    ]);
  });

  it('names a bad selfTelemetry value in a 400', async () => {
    const r = await get<{ error: { message: string } }>('/logs', {
      ...range,
      selfTelemetry: 'all',
    });
    expect(r.status).toBe(400);
    expect(r.body.error.message).toMatch(/selfTelemetry/);
  });
});

describe('the live tail and self-telemetry', () => {
  const tailBodies = async (selfTelemetry: 'hide' | 'show' | undefined, want: number) => {
    const abort = new AbortController();
    const params = new URLSearchParams({ q: 'tailself' });
    if (selfTelemetry) params.set('selfTelemetry', selfTelemetry);
    const res = await fetch(`${sightline().apiUrl}/api/v1/logs/tail?${params.toString()}`, {
      signal: abort.signal,
    });
    expect(res.status).toBe(200);
    const sse = sseReader(res.body!);
    await until('ready', () => sse.events.some((e) => e.event === 'ready'));
    const now = ns(Date.now());
    // One request, so one poll sees both rows: once the user's row arrived, Sightline's was seen.
    await send([
      { ts: now, body: `tailself own ${selfTelemetry}`, service: 'sightline-ingest' },
      { ts: now, body: `tailself shop ${selfTelemetry}`, service: 'shop' },
    ]);
    const received = () =>
      sse.events
        .filter((e) => e.event === 'logs')
        .flatMap((e) => (JSON.parse(e.data) as { rows: LogRecord[] }).rows);
    await until(`${want} rows`, () => received().length >= want);
    abort.abort();
    return bodies(received()).sort();
  };

  it('leaves Sightline’s own rows out unless selfTelemetry=show', async () => {
    expect(await tailBodies(undefined, 1)).toEqual(['tailself shop undefined']);
    expect(await tailBodies('hide', 1)).toEqual(['tailself shop hide']);
    expect(await tailBodies('show', 2)).toEqual(['tailself own show', 'tailself shop show']);
  });
});
