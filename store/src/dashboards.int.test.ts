import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreClients, type StoreClients } from './client-factory.ts';
import { getDashboard, listDashboards } from './dashboards.ts';
import { migrate } from './migrate.ts';
import { DASHBOARDS_TABLE } from './schema/dashboards.ts';

let store: StoreClients;
const s = () => ({ writer: store.writer, reader: store.reader, database: 'sl' });

beforeAll(async () => {
  store = createStoreClients({ dataDir: mkdtempSync(join(tmpdir(), 'sl-dash-')), database: 'sl' });
  await migrate(store.writer, 'sl', { tracesDays: 7, logsDays: 7, metricsDays: 30 });
});
afterAll(async () => store.close());

describe('dashboards saved before panels held several queries', () => {
  it('read back with each panel’s one query as its list of queries', async () => {
    const grid = { x: 0, y: 0, w: 12, h: 8 };
    const old = {
      id: 'old-board',
      version: 3,
      createdAt: '2026-01-01T00:00:00.000Z',
      updatedAt: '2026-02-01T00:00:00.000Z',
      title: 'Älter',
      description: '',
      tags: [],
      variables: [],
      timeRange: { last: '1h' },
      refresh: 'off',
      panels: [
        {
          id: 'a',
          title: 'Logs',
          type: 'logs',
          query: { signal: 'logs', q: '' },
          options: {},
          grid,
        },
        {
          id: 'b',
          title: 'p95',
          type: 'timeseries',
          query: { signal: 'traces', measure: 'p95' },
          options: { unit: 'ms' },
          grid,
        },
      ],
    };
    // Written as the version of Sightline before this one stored it.
    await store.writer.insert({
      table: `sl.${DASHBOARDS_TABLE}`,
      values: [
        {
          id: old.id,
          version: old.version,
          deleted: 0,
          title: old.title,
          tags: [],
          dashboard: JSON.stringify(old),
          created_at: old.createdAt,
          updated_at: old.updatedAt,
        },
      ],
      format: 'JSONEachRow',
      clickhouse_settings: { async_insert: 0 },
    });
    const d = await getDashboard(s(), 'old-board');
    expect(d.panels).toEqual([
      {
        id: 'a',
        title: 'Logs',
        type: 'logs',
        queries: [{ signal: 'logs', q: '' }],
        options: {},
        grid,
      },
      {
        id: 'b',
        title: 'p95',
        type: 'timeseries',
        queries: [{ signal: 'traces', measure: 'p95' }],
        options: { unit: 'ms' },
        grid,
      },
    ]);
    expect({ ...d, panels: [] }).toEqual({ ...old, panels: [] });
    const [summary] = await listDashboards(s());
    expect(summary).toMatchObject({ id: 'old-board', panels: 2, version: 3 });
  });
});
