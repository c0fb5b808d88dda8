/**
 * Each stage of ingest alone, on the same rows as the end-to-end run, and the engine's own
 * ceiling: the rows written by the engine into Native (and RowBinary) files in /dev/shm and
 * inserted back with `INSERT … SELECT FROM file()`, where no JavaScript touches a row.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { RowBatch } from '@sightline/model/rows';
import { decodeRequest } from '@sightline/collector/receive/decode-body';
import { toRows } from '@sightline/collector/receive/to-rows';
import { DEFAULT_LIMITS } from '@sightline/collector/otlp/values';
import { createStoreClients } from '@sightline/store/client-factory';
import { COLUMNS, TABLES } from '@sightline/store/columns';
import { encodeRows, insertEncoded, insertRows, type BinaryFormat } from '@sightline/store/insert';
import { migrate } from '@sightline/store/migrate';
import { encode } from '../../collector/bench/otlp-workload.ts';

const BATCH = 20_000;
const DB = 'sightline';
const NO_TTL = { tracesDays: 0, logsDays: 0, metricsDays: 0 };

type Signal = 'traces' | 'logs';
type Kind = 'spans' | 'logs';

/** Rows per second of each stage, single-threaded unless it is the engine's. */
export interface Stages {
  rows: number;
  decodeJson: number;
  decodeProtobuf: number;
  map: number;
  encodeJson: number;
  encodeRowBinary: number;
  encodeNative: number;
  /** The former insert: JSONCompactEachRow through `@clickhouse/client` (encode included). */
  insertJson: number;
  /** Inserts of bytes already encoded: spooled to /dev/shm, read by the engine. */
  insertRowBinary: number;
  insertNative: number;
  /** No JavaScript per row: files the engine wrote, read back by the engine. */
  ceilingRowBinary: number;
  ceilingNative: number;
}

async function median(repeats: number, f: () => Promise<number> | number): Promise<number> {
  const xs: number[] = [];
  for (let i = 0; i < repeats; i++) xs.push(await f());
  return xs.sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;
}

function rate(rows: number, run: () => void): number {
  const t0 = performance.now();
  run();
  return rows / ((performance.now() - t0) / 1000);
}

const slices = <T>(xs: readonly T[]): T[][] =>
  Array.from({ length: Math.ceil(xs.length / BATCH) }, (_, i) =>
    xs.slice(i * BATCH, (i + 1) * BATCH),
  );

export async function measureStages(
  signal: Signal,
  requests: readonly object[],
  repeats: number,
): Promise<Stages> {
  const kind: Kind = signal === 'traces' ? 'spans' : 'logs';
  const json = requests.map((r) => encode(signal, r, 'json'));
  const proto = requests.map((r) => encode(signal, r, 'protobuf'));
  let decoded: unknown[] = [];
  let rows: readonly object[] = [];
  const mapAll = () => {
    rows = decoded.flatMap((d): readonly object[] => toRows(signal, d, DEFAULT_LIMITS).batch[kind]);
  };
  const decodeAll = (bodies: Buffer[], enc: 'json' | 'protobuf') => () => {
    decoded = bodies.map((b) => decodeRequest(signal, enc, b));
  };
  // Decode once so the row count is known before anything is timed.
  decodeAll(proto, 'protobuf')();
  mapAll();
  const n = rows.length;
  const decodeJson = await median(repeats, () => rate(n, decodeAll(json, 'json')));
  const decodeProtobuf = await median(repeats, () => rate(n, decodeAll(proto, 'protobuf')));
  const map = await median(repeats, () => rate(n, mapAll));
  decoded = [];
  const batches = slices(rows as readonly Record<string, unknown>[]);
  const columns = COLUMNS[kind] as readonly string[];
  // What `@clickhouse/client` makes of a JSONCompactEachRow insert: one JSON array per row.
  const encodeJson = await median(repeats, () =>
    rate(n, () => {
      for (const b of batches)
        (b as readonly Record<string, unknown>[])
          .map((r) => JSON.stringify(columns.map((c) => r[c])) + '\n')
          .join('');
    }),
  );
  const encoded = { Native: [] as Buffer[], RowBinaryWithNamesAndTypes: [] as Buffer[] };
  const encodeWith = (format: BinaryFormat) =>
    median(repeats, () =>
      rate(n, () => {
        encoded[format] = batches.map((b) =>
          encodeRows(kind, b as unknown as RowBatch[Kind], format),
        );
      }),
    );
  const encodeRowBinary = await encodeWith('RowBinaryWithNamesAndTypes');
  const encodeNative = await encodeWith('Native');
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-stages-'));
  const store = createStoreClients({ dataDir, database: DB });
  const files: string[] = [];
  try {
    const fresh = async (db: string) => {
      await store.writer.command({ query: `DROP DATABASE IF EXISTS ${db} SYNC` });
      await migrate(store.writer, db, NO_TTL);
    };
    const timed = async (db: string, run: () => Promise<void>) => {
      await fresh(db);
      const t0 = performance.now();
      await run();
      return n / ((performance.now() - t0) / 1000);
    };
    const insertJson = await median(repeats, () =>
      timed('j', async () => {
        for (const b of batches)
          await insertRows(
            store.writer,
            'j',
            kind,
            b as unknown as RowBatch[Kind],
            undefined,
            'JSONCompactEachRow',
          );
      }),
    );
    const insertWith = (format: BinaryFormat, db: string) =>
      median(repeats, () =>
        timed(db, async () => {
          const bodies = encoded[format];
          for (let i = 0; i < bodies.length; i++)
            await insertEncoded(store.writer, db, kind, bodies[i]!, format, batches[i]!.length);
        }),
      );
    const insertRowBinary = await insertWith('RowBinaryWithNamesAndTypes', 'r');
    const insertNative = await insertWith('Native', 'b');
    // The same rows as files the engine itself wrote, one per batch.
    const names = columns.map((c) => `\`${c}\``).join(', ');
    const table = TABLES[kind];
    const ceiling = async (format: 'Native' | 'RowBinaryWithNamesAndTypes') => {
      const written: string[] = [];
      for (let i = 0; i < batches.length; i++) {
        const file = `/dev/shm/sl-bench-${process.pid}-${format}-${i}`;
        rmSync(file, { force: true });
        await store.writer.command({
          query: `INSERT INTO FUNCTION file('${file}', ${format}) SELECT ${names} FROM b.${table}
                  ORDER BY Timestamp, SpanId LIMIT ${BATCH} OFFSET ${i * BATCH}`,
        });
        written.push(file);
        files.push(file);
      }
      return median(repeats, () =>
        timed('c', async () => {
          for (const file of written)
            await store.writer.command({
              query: `INSERT INTO c.${table} (${names}) SELECT * FROM file('${file}', ${format})`,
            });
        }),
      );
    };
    const ceilingRowBinary = await ceiling('RowBinaryWithNamesAndTypes');
    const ceilingNative = await ceiling('Native');
    return {
      rows: n,
      decodeJson,
      decodeProtobuf,
      map,
      encodeJson,
      encodeRowBinary,
      encodeNative,
      insertJson,
      insertRowBinary,
      insertNative,
      ceilingRowBinary,
      ceilingNative,
    };
  } finally {
    await store.close();
    for (const f of files) rmSync(f, { force: true });
    rmSync(dataDir, { recursive: true, force: true });
  }
}

/** The stage table: rate, microseconds per row, and each stage's share of one path's JS time. */
export function printStages(results: Partial<Record<Signal, Stages>>): void {
  const us = (perSecond: number) => 1e6 / perSecond;
  const signals = Object.keys(results) as Signal[];
  console.log(
    `\n| stage | ${signals.map((s) => `${s} rows/s | µs/row | share of JSON path | share of protobuf path`).join(' | ')} |`,
  );
  console.log(`|---|${signals.map(() => '---:|---:|---:|---:').join('|')}|`);
  // The last two flags: the stage is on today's OTLP/JSON path, on today's protobuf path.
  const rowsOf: [string, keyof Stages, boolean, boolean][] = [
    ['decode OTLP/JSON', 'decodeJson', true, false],
    ['decode OTLP/protobuf', 'decodeProtobuf', false, true],
    ['map to rows', 'map', true, true],
    ['encode JSONCompactEachRow (before)', 'encodeJson', false, false],
    ['encode RowBinary', 'encodeRowBinary', false, false],
    ['encode Native', 'encodeNative', true, true],
    ['insert JSONCompactEachRow (before, encode included)', 'insertJson', false, false],
    ['insert RowBinary (encoded bytes)', 'insertRowBinary', false, false],
    ['insert Native (encoded bytes)', 'insertNative', true, true],
    ['engine ceiling: RowBinary file', 'ceilingRowBinary', false, false],
    ['engine ceiling: Native file', 'ceilingNative', false, false],
  ];
  const total = (s: Stages, jsonPath: boolean) =>
    rowsOf.filter(([, , j, p]) => (jsonPath ? j : p)).reduce((t, [, k]) => t + us(s[k]), 0);
  for (const [label, key, inJson, inProto] of rowsOf) {
    const cells = signals.map((sig) => {
      const s = results[sig]!;
      const share = (on: boolean, jsonPath: boolean) =>
        on ? `${((100 * us(s[key])) / total(s, jsonPath)).toFixed(0)} %` : '';
      return `${Math.round(s[key])} | ${us(s[key]).toFixed(1)} | ${share(inJson, true)} | ${share(inProto, false)}`;
    });
    console.log(`| ${label} | ${cells.join(' | ')} |`);
  }
  for (const sig of signals) {
    const s = results[sig]!;
    console.log(
      `\n${sig}: the stages in series, one thread: OTLP/JSON ${Math.round(1e6 / total(s, true))}/s, protobuf ${Math.round(1e6 / total(s, false))}/s; Native insert ÷ Native ceiling ${(s.insertNative / s.ceilingNative).toFixed(2)}, RowBinary insert ÷ Native ceiling ${(s.insertRowBinary / s.ceilingNative).toFixed(2)}, former JSON insert ÷ Native ceiling ${(s.insertJson / s.ceilingNative).toFixed(2)}`,
    );
  }
}
