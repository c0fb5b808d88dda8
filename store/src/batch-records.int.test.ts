import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBatchRecordsTable, loadBatchRecords, recordBatch } from './batch-records.ts';
import { createStoreClients, type StoreClients } from './client-factory.ts';
import { migrate } from './migrate.ts';
import { INGEST_BATCHES_TABLE } from './schema/ingest-batches.ts';

// The batch-records table is created by the migrations (so a cluster replicates it) and by ingest
// itself at start (IF NOT EXISTS): both definitions must stay the same table.
let store: StoreClients;

beforeAll(async () => {
  store = createStoreClients({
    dataDir: mkdtempSync(join(tmpdir(), 'sl-batches-')),
    database: 'a',
  });
  await migrate(store.writer, 'a', { tracesDays: 7, logsDays: 7, metricsDays: 30 });
  await store.writer.command({ query: 'CREATE DATABASE IF NOT EXISTS b' });
  await ensureBatchRecordsTable(store.writer, 'b');
}, 120_000);
afterAll(async () => store.close());

async function shape(database: string) {
  const rs = await store.reader.query({
    query: `SELECT
        (SELECT groupArray((name, type, default_expression)) FROM
          (SELECT name, type, default_expression FROM system.columns
           WHERE database = {db:String} AND table = {t:String} ORDER BY position)) AS columns,
        engine, sorting_key, replaceRegexpAll(engine_full, '^.*(TTL [^S]*).*$', '\\\\1') AS ttl
      FROM system.tables WHERE database = {db:String} AND name = {t:String}`,
    query_params: { db: database, t: INGEST_BATCHES_TABLE },
    format: 'JSONEachRow',
  });
  return rs.json();
}

describe('ingest batch records table', () => {
  it('is the same table whether the migrations or ingest created it', async () => {
    const fromMigrations = await shape('a');
    expect(fromMigrations).toHaveLength(1);
    expect(fromMigrations).toEqual(await shape('b'));
  });
});

describe('batch records', () => {
  it('loads the batches of one partition that end at or after an offset, oldest first', async () => {
    const source = { groupId: 'g', topic: 'otlp_spans', partition: 3 };
    await recordBatch(store.writer, 'a', source, { first: 200, last: 299 });
    await recordBatch(store.writer, 'a', source, { first: 100, last: 199 });
    await recordBatch(store.writer, 'a', source, { first: 0, last: 99 });
    await recordBatch(store.writer, 'a', { ...source, partition: 4 }, { first: 150, last: 160 });
    await recordBatch(store.writer, 'a', { ...source, groupId: 'h' }, { first: 150, last: 160 });
    expect(await loadBatchRecords(store.reader, 'a', source, 150)).toEqual([
      { first: 100, last: 199 },
      { first: 200, last: 299 },
    ]);
    expect(await loadBatchRecords(store.reader, 'a', source, 300)).toEqual([]);
  });
});
