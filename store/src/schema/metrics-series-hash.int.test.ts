import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createStoreClients, type StoreClients } from '../client-factory.ts';
import { migrate } from '../migrate.ts';
import { MIGRATIONS } from '../migrations.ts';
import { METRIC_TABLES, SERIES_HASH_SQL } from './metrics.ts';

const retention = { tracesDays: 7, logsDays: 7, metricsDays: 30 };
let store: StoreClients;

beforeAll(() => {
  store = createStoreClients({ dataDir: mkdtempSync(join(tmpdir(), 'sl-hash-')), database: 'sl' });
});
afterAll(async () => store.close());

const insert = (name: string, attrs: string) =>
  store.writer.command({
    query: `INSERT INTO sl.${METRIC_TABLES.gauge} (ResourceAttributes, ServiceName, MetricName, Attributes, TimeUnix, Value)
      VALUES (map('service.instance.id', 'pod-1', 'ü', 'ñ'), 'svc', '${name}', ${attrs}, now64(9), 1)`,
  });

describe('the series hash column (migration 11)', () => {
  it('holds the stream hash for points written before and after it existed', async () => {
    await migrate(store.writer, 'sl', retention, {
      migrations: MIGRATIONS.filter((m) => m.version < 11),
    });
    await insert('before', `map('a', '1', '', '')`);
    const result = await migrate(store.writer, 'sl', retention);
    expect(result.applied).toContain(11);
    await insert('after', `map('a', '1')`);
    await insert('after', `map()`);
    const rs = await store.reader.query({
      query: `SELECT MetricName AS name, SeriesHash = ${SERIES_HASH_SQL} AS same, toString(SeriesHash) AS h
        FROM sl.${METRIC_TABLES.gauge} ORDER BY name, h`,
      format: 'JSONEachRow',
    });
    const got = await rs.json<{ name: string; same: number; h: string }>();
    expect(got.map((r) => [r.name, r.same])).toEqual([
      ['after', 1],
      ['after', 1],
      ['before', 1],
    ]);
    // Different attributes, different series.
    expect(new Set(got.map((r) => r.h)).size).toBe(3);
    const cols = await store.reader.query({
      query: `SELECT table, default_kind FROM system.columns
        WHERE database = 'sl' AND name = 'SeriesHash' ORDER BY table`,
      format: 'JSONEachRow',
    });
    expect(await cols.json()).toEqual(
      Object.values(METRIC_TABLES)
        .sort()
        .map((table) => ({ table, default_kind: 'MATERIALIZED' })),
    );
  });
});
