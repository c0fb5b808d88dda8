import { describe, expect, it } from 'vitest';
import type {
  SavedSearch,
  SavedSearchInput,
  SavedSearchList,
} from '@sightline/model/api/saved-searches';
import { callApi, useSightline } from './use-sightline.ts';

/** Saved log searches through the API: stored like dashboards, read back field for field. */
useSightline();

const send = callApi;

const input = (over: Partial<SavedSearchInput> = {}): SavedSearchInput => ({
  name: 'Zahlungsfehler — checkout ✓',
  query: 'service:checkout level:error "payment failed" -env:dev',
  columns: ['service', 'level', 'http.status_code'],
  timeRange: { from: '2026-12-01T10:00:00.000Z', to: '2026-12-01T11:00:00.000Z' },
  ...over,
});

describe('saved searches', () => {
  it('saves, lists by name, reads back and deletes one', async () => {
    const created = await send('POST', '/saved-searches', input());
    expect(created.status).toBe(201);
    const saved = created.body as SavedSearch;
    expect(saved).toEqual({
      ...input(),
      id: expect.stringMatching(/^[0-9a-f-]{36}$/) as unknown,
      createdAt: expect.any(String) as unknown,
      updatedAt: saved.createdAt,
    });
    // Empty query, no columns, a sliding range: the smallest search there is.
    const empty = (
      await send('POST', '/saved-searches', {
        name: 'all',
        query: '',
        columns: [],
        timeRange: { last: '15m' },
      })
    ).body as SavedSearch;
    const twice = (
      await send('POST', '/saved-searches', input({ name: 'B', columns: ['level', 'level'] }))
    ).body as SavedSearch;
    expect(twice.columns).toEqual(['level']);

    const list = (await send('GET', '/saved-searches')).body as SavedSearchList;
    expect(list.searches.map((s) => s.name)).toEqual(['all', 'B', input().name]);
    expect(list.searches[0]).toEqual(empty);
    expect((await send('GET', `/saved-searches/${saved.id}`)).body).toEqual(saved);

    expect((await send('DELETE', `/saved-searches/${twice.id}`)).status).toBe(204);
    const gone = await send('GET', `/saved-searches/${twice.id}`);
    expect(gone.status).toBe(404);
    expect(gone.body).toMatchObject({
      error: { code: 'SL_ERR_NOT_FOUND', message: `no saved search with id '${twice.id}'` },
    });
    expect((await send('DELETE', `/saved-searches/${twice.id}`)).status).toBe(404);
    const after = (await send('GET', '/saved-searches')).body as SavedSearchList;
    expect(after.searches.map((s) => s.id)).toEqual([empty.id, saved.id]);
  });

  const bad: [string, unknown, RegExp][] = [
    ['an empty name', input({ name: '' }), /body\/name/],
    ['a query that does not parse', input({ query: 'level:(error' }), /^body\/query: /],
    ['an empty column name', input({ columns: [''] }), /body\/columns\/0/],
    ['a missing time range', { ...input(), timeRange: undefined }, /timeRange/],
    [
      'a from that is not a time',
      input({ timeRange: { from: 'yesterday', to: '2026-12-01T11:00:00Z' } }),
      /^body\/timeRange\/from is not a time/,
    ],
    [
      'bounds in the wrong order',
      input({ timeRange: { from: '2026-12-01T11:00:00Z', to: '2026-12-01T10:00:00Z' } }),
      /^body\/timeRange\/to must be after timeRange\/from/,
    ],
  ];
  it.each(bad)('refuses %s with a 400 naming the field, saving nothing', async (_w, body, msg) => {
    const before = ((await send('GET', '/saved-searches')).body as SavedSearchList).searches;
    const res = await send('POST', '/saved-searches', body);
    expect(res.status).toBe(400);
    expect(res.body).toMatchObject({
      error: { code: expect.stringMatching(/^SL_ERR_/) as unknown },
    });
    expect((res.body as { error: { message: string } }).error.message).toMatch(msg);
    expect(((await send('GET', '/saved-searches')).body as SavedSearchList).searches).toEqual(
      before,
    );
  });
});
