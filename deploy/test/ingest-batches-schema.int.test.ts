import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureBatchRecordsTable } from '@sightline/collector/kafka/batch-records';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { INGEST_BATCHES_TABLE } from '@sightline/store/schema/ingest-batches';

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
