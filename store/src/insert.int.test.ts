import { mkdtempSync, readdirSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROW_KINDS, type RowBatch } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from './client-factory.ts';
import { COLUMN_TYPES, COLUMNS, TABLES } from './columns.ts';
import { at, expectStoredAsJson, log, make, N, span } from './insert-fixtures.ts';
import { insertRows, type InsertFormat } from './insert.ts';
import { migrate } from './migrate.ts';
import { spoolDirFor } from './spool-insert.ts';

let store: StoreClients;
const dataDir = mkdtempSync(join(tmpdir(), 'sl-rowbinary-'));
const retention = { tracesDays: 0, logsDays: 0, metricsDays: 0 };
beforeAll(async () => {
  store = createStoreClients({ dataDir, database: 'bin' });
  await migrate(store.writer, 'bin', retention);
  await migrate(store.writer, 'native', retention);
  await migrate(store.writer, 'json', retention);
});
afterAll(async () => store.close());

describe('binary inserts', () => {
  it('declares the type of every inserted column as the live tables have it', async () => {
    for (const kind of ROW_KINDS) {
      const rs = await store.reader.query({
        query: `SELECT name, type FROM system.columns WHERE database = 'bin' AND table = {t:String}`,
        query_params: { t: TABLES[kind] },
        format: 'JSONEachRow',
      });
      const live = new Map(
        (await rs.json<{ name: string; type: string }>()).map((c) => [c.name, c.type]),
      );
      const declared = COLUMNS[kind].map((c) => [c, COLUMN_TYPES[kind][c]]);
      expect(declared, kind).toEqual(COLUMNS[kind].map((c) => [c, live.get(c)]));
      expect(Object.keys(COLUMN_TYPES[kind]).sort(), kind).toEqual([...COLUMNS[kind]].sort());
    }
  });

  it.each(ROW_KINDS)(
    'stores %s rows in RowBinary and in Native exactly as the JSON insert does, field by field',
    async (kind) => {
      const rows = Array.from({ length: N }, (_, i) => make[kind](i)) as RowBatch[typeof kind];
      const formats: [string, InsertFormat][] = [
        ['bin', 'RowBinaryWithNamesAndTypes'],
        ['native', 'Native'],
        ['json', 'JSONCompactEachRow'],
      ];
      for (const [db, format] of formats)
        await insertRows(store.writer, db, kind, rows, undefined, format);
      await expectStoredAsJson(store.reader, kind);
    },
  );

  it.each(['bin', 'native'])(
    'keeps timestamps, 64-bit counts and doubles bit for bit (%s)',
    async (db) => {
      const rs = await store.reader.query({
        query: `SELECT SpanId AS id, toString(toUnixTimestamp64Nano(Timestamp)) AS t, toString(Duration) AS d
              FROM ${db}.otel_traces`,
        format: 'JSONEachRow',
      });
      const got = new Map(
        (await rs.json<{ id: string; t: string; d: string }>()).map((r) => [r.id, r]),
      );
      for (let i = 0; i < N; i++) {
        const s = span(i);
        expect(got.get(s.SpanId), `span ${i}`).toEqual({
          id: s.SpanId,
          t: BigInt(s.Timestamp).toString(),
          d: s.Duration,
        });
      }
      const values = await store.reader.query({
        query: `SELECT MetricName, toString(Value) AS v FROM ${db}.otel_metrics_gauge ORDER BY toUInt32(substring(MetricName, 2))`,
        format: 'JSONEachRow',
      });
      const text = [
        '0',
        '-0',
        'nan',
        'inf',
        '-inf',
        '5e-324',
        '-1.7976931348623157e308',
        '0.1',
        '42',
      ];
      expect(await values.json()).toEqual(
        Array.from({ length: N }, (_, i) => ({ MetricName: `m${i}`, v: at(text, i) })),
      );
    },
  );

  it.each([
    ['bin', 'RowBinaryWithNamesAndTypes'],
    ['native', 'Native'],
  ] as const)(
    'stores a lone UTF-16 surrogate as U+FFFD instead of failing the insert (%s)',
    async (db, format) => {
      const row = { ...log(200), Body: 'a\ud800b' };
      await insertRows(store.writer, db, 'logs', [row], undefined, format);
      const rs = await store.reader.query({
        query: `SELECT Body FROM ${db}.otel_logs WHERE Body LIKE 'a%b'`,
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ Body: 'a\ufffdb' }]);
    },
  );

  it.each([
    ['bin', 'RowBinaryWithNamesAndTypes'],
    ['native', 'Native'],
  ] as const)(
    'drops a replayed block with the same deduplication token (%s)',
    async (db, format) => {
      const rows = [span(100), span(101)];
      await insertRows(store.writer, db, 'spans', rows, 'replay-1', format);
      await insertRows(store.writer, db, 'spans', rows, 'replay-1', format);
      const rs = await store.reader.query({
        query: `SELECT count() AS n FROM ${db}.otel_traces WHERE SpanId IN ({ids:Array(String)})`,
        query_params: { ids: rows.map((r) => r.SpanId) },
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ n: '2' }]);
    },
  );

  it.each([
    ['bin', 'RowBinaryWithNamesAndTypes'],
    ['native', 'Native'],
    ['json', 'JSONCompactEachRow'],
  ] as const)(
    'keeps a block without a token that follows one with a token on the same session (%s)',
    async (db, format) => {
      // Same partition (a block's identity is per partition), different rows.
      const first = [span(200)];
      const second = [{ ...span(201), Timestamp: span(200).Timestamp }];
      await insertRows(store.writer, db, 'spans', first, 'sticky-1', format);
      await insertRows(store.writer, db, 'spans', second, undefined, format);
      const rs = await store.reader.query({
        query: `SELECT count() AS n FROM ${db}.otel_traces WHERE SpanId IN ({ids:Array(String)})`,
        query_params: { ids: [...first, ...second].map((r) => r.SpanId) },
        format: 'JSONEachRow',
      });
      expect(await rs.json()).toEqual([{ n: '2' }]);
    },
  );

  it('leaves no spooled insert file behind, makes its folder again if it is swept away', async () => {
    const dir = spoolDirFor(resolve(dataDir));
    expect(readdirSync(dir)).toEqual([]);
    rmSync(dir, { recursive: true });
    await insertRows(store.writer, 'native', 'spans', [span(300)]);
    expect(readdirSync(dir)).toEqual([]);
    const rs = await store.reader.query({
      query: `SELECT count() AS n FROM native.otel_traces WHERE SpanId = {id:String}`,
      query_params: { id: span(300).SpanId },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: '1' }]);
  });
});
