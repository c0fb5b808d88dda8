import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { Readable } from 'node:stream';
import { ClickHouseError } from '@clickhouse/client';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROW_KINDS, type RowBatch, type RowKind } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from '../src/client-factory.ts';
import { TABLES } from '../src/columns.ts';
import { expectStoredAsJson, make, N, span } from '../src/insert-fixtures.ts';
import { encodeRows, insertRows, type InsertFormat } from '../src/insert.ts';
import { migrate } from '../src/migrate.ts';

// The store's server code path (createStoreClients with a URL: @clickhouse/client over HTTP, the
// binary insert bodies sent as they are) against the ClickHouse HTTP stand-in in its own process.
let standin: ChildProcess;
let store: StoreClients;
let base: string;
const retention = { tracesDays: 0, logsDays: 0, metricsDays: 0 };

beforeAll(async () => {
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-standin-'));
  standin = spawn(
    process.execPath,
    ['--import', 'tsx', join(import.meta.dirname, 'clickhouse-standin.ts'), dataDir],
    { stdio: ['ignore', 'pipe', 'inherit'] },
  );
  const port = await new Promise<string>((resolve, reject) => {
    standin.once('exit', (code) => reject(new Error(`the stand-in exited with ${code}`)));
    createInterface({ input: standin.stdout! }).on('line', (line) => {
      const m = /^listening (\d+)$/.exec(line);
      if (m) resolve(m[1]!);
    });
  });
  base = `http://127.0.0.1:${port}`;
  store = createStoreClients({ url: base, dataDir: '', database: 'native' });
  for (const db of ['native', 'bin', 'json']) await migrate(store.writer, db, retention);
}, 120_000);

afterAll(async () => {
  await store?.close();
  if (standin && standin.exitCode === null) {
    const exited = new Promise((r) => standin.once('exit', r));
    standin.kill('SIGTERM');
    await exited;
  }
});

interface Recorded {
  readonly url: string;
  readonly contentEncoding: string | undefined;
  readonly bodyBytes: number;
  readonly status: number;
}
const requests = async (): Promise<Recorded[]> =>
  (await fetch(`${base}/__requests`)).json() as Promise<Recorded[]>;

const rowsOf = <K extends RowKind>(kind: K): RowBatch[K] =>
  Array.from({ length: N }, (_, i) => make[kind](i)) as RowBatch[K];

describe('the store over HTTP (ClickHouse server code path)', () => {
  it('is the server kind of store and its migrations ran over HTTP', async () => {
    expect(store.kind).toBe('server');
    const rs = await store.reader.query({
      query: `SELECT name FROM system.tables WHERE database = 'native' ORDER BY name`,
      format: 'JSONEachRow',
    });
    const names = (await rs.json<{ name: string }>()).map((r) => r.name);
    for (const kind of ROW_KINDS) expect(names).toContain(TABLES[kind]);
  });

  it.each(ROW_KINDS)(
    'sends %s rows as Native and RowBinary bodies byte for byte, stored as the JSON insert stores them',
    async (kind) => {
      const rows = rowsOf(kind);
      const formats: [string, InsertFormat][] = [
        ['native', 'Native'],
        ['bin', 'RowBinaryWithNamesAndTypes'],
        ['json', 'JSONCompactEachRow'],
      ];
      const before = (await requests()).length;
      for (const [db, format] of formats)
        await insertRows(store.writer, db, kind, rows, `tok-${kind}-${db}`, format);
      const sent = (await requests()).slice(before).map((r) => ({ ...r, u: new URL(r.url, base) }));
      for (const [db, format] of formats.slice(0, 2)) {
        const insert = sent.find((r) => r.u.searchParams.get('query')?.includes(`\`${db}\`.`));
        expect(insert?.u.searchParams.get('query'), db).toMatch(
          new RegExp(`^INSERT INTO \`${db}\`\\.\`${TABLES[kind]}\` \\(.+\\) FORMAT ${format}$`),
        );
        // The body went over the wire as encoded: no text conversion on the way.
        expect(insert?.bodyBytes, db).toBe(encodeRows(kind, rows, format as never).length);
        expect(insert?.u.searchParams.get('insert_deduplication_token')).toBe(`tok-${kind}-${db}`);
        expect(insert?.u.searchParams.get('async_insert')).toBe('0');
        expect(insert?.status).toBe(200);
      }
      await expectStoredAsJson(store.reader, kind);
    },
  );

  it('drops a block replayed over HTTP with the same deduplication token', async () => {
    const rows = [span(500), span(501)];
    await insertRows(store.writer, 'native', 'spans', rows, 'http-replay');
    await insertRows(store.writer, 'native', 'spans', rows, 'http-replay');
    const rs = await store.reader.query({
      query: `SELECT count() AS n FROM native.otel_traces WHERE SpanId IN ({ids:Array(String)})`,
      query_params: { ids: rows.map((r) => r.SpanId) },
      format: 'JSONEachRow',
    });
    expect(await rs.json()).toEqual([{ n: '2' }]);
  });

  // chDB reports the errors it passes to the stand-in under code 1002, so the codes that
  // isRejectedDataError tells apart are not proven here: only that the error arrives as one.
  it("reports a refused insert as a ClickHouse error with the server's code and text", async () => {
    const err = await store.writer
      .exec({
        query: 'INSERT INTO native.no_such_table FORMAT Native',
        values: Readable.from([Buffer.from([0, 0])]),
      })
      .then(
        () => undefined,
        (e: unknown) => e,
      );
    expect(err).toBeInstanceOf(ClickHouseError);
    expect((err as ClickHouseError).code).toBe('1002');
    expect((err as ClickHouseError).message).toMatch(/Table native\.no_such_table does not exist/);
  });
});
