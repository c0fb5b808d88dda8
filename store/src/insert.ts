import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { RowBatch, RowKind } from '@sightline/model/rows';
import { qualified } from './schema/ddl-context.ts';
import { COLUMN_TYPES, COLUMNS, TABLES } from './columns.ts';
import { nativeEncoder } from './native-format.ts';
import { rowBinaryEncoder, type RowEncoder } from './row-binary.ts';

/**
 * How rows travel to ClickHouse, chosen here only. The binary formats are written straight from
 * the rows (no JSON for the engine to parse again); the embedded store reads them from a file in
 * memory (see spool-insert.ts), a server from the HTTP body. JSONCompactEachRow, the former
 * format, is kept as the reference the binary encodings are tested against.
 */
export type BinaryFormat = 'Native' | 'RowBinaryWithNamesAndTypes';
export type InsertFormat = BinaryFormat | 'JSONCompactEachRow';
const FORMATS: readonly InsertFormat[] = [
  'Native',
  'RowBinaryWithNamesAndTypes',
  'JSONCompactEachRow',
];

/** Native unless SIGHTLINE_INSERT_FORMAT names another (the benchmark compares them). */
export const INSERT_FORMAT: InsertFormat = formatFrom(process.env.SIGHTLINE_INSERT_FORMAT);

function formatFrom(v: string | undefined): InsertFormat {
  if (v === undefined || v === '') return 'Native';
  const f = FORMATS.find((x) => x === v);
  if (!f)
    throw new Error(`SIGHTLINE_INSERT_FORMAT must be one of ${FORMATS.join(', ')}; got '${v}'`);
  return f;
}

// JSON has no NaN or infinities (JSON.stringify writes null, which ClickHouse stores as 0) and
// writes -0 as 0; ClickHouse reads all of them from the quoted words it also writes for them.
const special = (v: number): string =>
  Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : '-0';
const isSpecial = (v: unknown): v is number =>
  typeof v === 'number' && (!Number.isFinite(v) || Object.is(v, -0));

/** A column value as JSONCompactEachRow can carry it without losing NaN, ±Inf or -0. */
function jsonSafe(v: unknown): unknown {
  if (isSpecial(v)) return special(v);
  if (Array.isArray(v) && v.some(isSpecial)) return v.map(jsonSafe);
  return v;
}

/** What a binary insert passes to `exec`: wrappers of the client (self-telemetry) read the extras. */
export type InsertExecParams = Parameters<ClickHouseClient['exec']>[0] & {
  readonly values: Readable;
  /** The qualified table, as a JSON insert names it. */
  readonly table: string;
  readonly rowCount: number;
};

export const isInsertExec = (p: object): p is InsertExecParams =>
  'rowCount' in p && 'table' in p && typeof p.table === 'string';

const encoders = new Map<string, RowEncoder<unknown>>();
function encoderOf(format: BinaryFormat, kind: RowKind): RowEncoder<unknown> {
  let e = encoders.get(`${format} ${kind}`);
  if (!e) {
    const make = format === 'Native' ? nativeEncoder : rowBinaryEncoder;
    e = make<unknown>(COLUMNS[kind] as never, COLUMN_TYPES[kind]);
    encoders.set(`${format} ${kind}`, e);
  }
  return e;
}

/** One block of rows in a binary insert format (exported for the benchmark's stages). */
export function encodeRows<K extends RowKind>(
  kind: K,
  rows: RowBatch[K],
  format: BinaryFormat = 'Native',
): Buffer {
  return encoderOf(format, kind).encode(rows);
}

/**
 * The deduplication setting of one insert. Always sent, empty when the insert has no token: the
 * embedded engine's connection applies settings with SET on its session, so a token left by the
 * previous insert would otherwise be reused and a different block dropped as its replay.
 */
const dedupSettings = (dedupToken: string | undefined) => ({
  insert_deduplication_token: dedupToken ?? '',
});

/**
 * Inserts one kind of rows as a single block. With a deduplication token a replay of the same
 * block (after a lost acknowledgement or a crash) is dropped by ClickHouse instead of stored twice.
 */
export async function insertRows<K extends RowKind>(
  client: ClickHouseClient,
  database: string,
  kind: K,
  rows: RowBatch[K],
  dedupToken?: string,
  format: InsertFormat = INSERT_FORMAT,
): Promise<void> {
  if (rows.length === 0) return;
  if (format === 'JSONCompactEachRow') {
    const columns = COLUMNS[kind] as readonly (keyof RowBatch[K][number] & string)[];
    const values = rows.map((row) => columns.map((c) => jsonSafe((row as RowBatch[K][number])[c])));
    await client.insert({
      table: qualified({ database }, TABLES[kind]),
      columns: columns as [string, ...string[]],
      values,
      format,
      clickhouse_settings: dedupSettings(dedupToken),
    });
    return;
  }
  const body = encodeRows(kind, rows, format);
  await insertEncoded(client, database, kind, body, format, rows.length, dedupToken);
}

/** Inserts one block already encoded by `encodeRows` (the benchmark times the two apart). */
export async function insertEncoded(
  client: ClickHouseClient,
  database: string,
  kind: RowKind,
  body: Buffer,
  format: BinaryFormat,
  rowCount: number,
  dedupToken?: string,
): Promise<void> {
  const table = qualified({ database }, TABLES[kind]);
  const names = COLUMNS[kind].map((c) => `\`${c}\``).join(', ');
  const params: InsertExecParams = {
    query: `INSERT INTO ${table} (${names}) FORMAT ${format}`,
    values: Readable.from([body]),
    clickhouse_settings: dedupSettings(dedupToken),
    table,
    rowCount,
  };
  const result = await client.exec(params);
  // The response carries no rows; drain it so a server connection returns to the pool.
  result.stream.resume();
}
