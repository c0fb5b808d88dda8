/**
 * Rows → ClickHouse RowBinaryWithNamesAndTypes, written straight into one growing buffer: no
 * per-row arrays, no JSON text for the engine to parse again. The header names each column's
 * type, so the same bytes go into a server's HTTP body or, embedded, into a file that chDB reads.
 */

/** Writes one value of a column type. */
type Put = (w: BinaryWriter, v: unknown) => void;

const TWO_32 = 2 ** 32;

export class BinaryWriter {
  private buf: Buffer;
  private pos = 0;

  constructor(initialBytes = 1 << 16) {
    this.buf = Buffer.allocUnsafe(initialBytes);
  }

  /** The bytes written so far (a view, not a copy). */
  bytes(): Buffer {
    return this.buf.subarray(0, this.pos);
  }

  private room(n: number): void {
    if (this.pos + n <= this.buf.length) return;
    const next = Buffer.allocUnsafe(Math.max(this.buf.length * 2, this.pos + n));
    this.buf.copy(next, 0, 0, this.pos);
    this.buf = next;
  }

  varUInt(n: number): void {
    this.room(10);
    while (n >= 0x80) {
      this.buf[this.pos++] = (n % 0x80) | 0x80;
      n = Math.floor(n / 0x80);
    }
    this.buf[this.pos++] = n;
  }

  string(s: string): void {
    // Up to 42 UTF-16 units take at most 126 UTF-8 bytes: a one-byte length, written after.
    const len = s.length;
    if (len < 43) {
      this.room(1 + len * 3);
      const buf = this.buf;
      const start = this.pos + 1;
      // Short ASCII strings (ids, names, most attribute values) byte by byte: cheaper than a
      // call into the native UTF-8 encoder; anything else is handed to it.
      let i = 0;
      for (; i < len; i++) {
        const c = s.charCodeAt(i);
        if (c >= 0x80) break;
        buf[start + i] = c;
      }
      const n = i === len ? len : buf.write(s, start, 'utf8');
      buf[this.pos] = n;
      this.pos = start + n;
      return;
    }
    const n = Buffer.byteLength(s, 'utf8');
    this.varUInt(n);
    this.room(n);
    this.pos += this.buf.write(s, this.pos, 'utf8');
  }

  raw(b: Uint8Array): void {
    this.room(b.length);
    this.buf.set(b, this.pos);
    this.pos += b.length;
  }

  u8(n: number): void {
    this.room(1);
    this.buf[this.pos++] = n & 0xff;
  }

  u32(n: number): void {
    this.room(4);
    this.buf.writeUInt32LE(n >>> 0, this.pos);
    this.pos += 4;
  }

  i32(n: number): void {
    this.room(4);
    this.buf.writeInt32LE(n | 0, this.pos);
    this.pos += 4;
  }

  /** A non-negative integer below 2^53 as UInt64 (Native array offsets). */
  u64(n: number): void {
    this.room(8);
    this.buf.writeUInt32LE(n % TWO_32, this.pos);
    this.buf.writeUInt32LE(Math.floor(n / TWO_32), this.pos + 4);
    this.pos += 8;
  }

  f64(n: number): void {
    this.room(8);
    this.buf.writeDoubleLE(n, this.pos);
    this.pos += 8;
  }

  /** A 64-bit integer given as a decimal string (it may exceed 2^53), two's complement. */
  int64(decimal: string): void {
    this.room(8);
    const len = decimal.length;
    if (len <= 19 && decimal.charCodeAt(0) !== 45 /* - */) {
      // Below 10^19 without BigInt: hi * 10^9 + lo, each product exact below 2^53.
      const hi = len > 9 ? Number(decimal.slice(0, len - 9)) : 0;
      const lo = len > 9 ? Number(decimal.slice(len - 9)) : Number(decimal);
      const x = Math.floor(hi / 65536) * 1e9; // < 2^48
      const y = (hi % 65536) * 1e9 + lo; // < 2^47
      const low = (x % 65536) * 65536 + (y % TWO_32);
      this.buf.writeUInt32LE(low % TWO_32, this.pos);
      this.buf.writeUInt32LE(
        Math.floor(x / 65536) + Math.floor(y / TWO_32) + Math.floor(low / TWO_32),
        this.pos + 4,
      );
    } else {
      this.buf.writeBigUInt64LE(BigInt.asUintN(64, BigInt(decimal)), this.pos);
    }
    this.pos += 8;
  }
}

const putString: Put = (w, v) => w.string(v as string);
const putMap: Put = (w, v) => {
  const m = v as Record<string, string>;
  const keys = Object.keys(m);
  w.varUInt(keys.length);
  for (const k of keys) {
    w.string(k);
    w.string(m[k]!);
  }
};

/** The writer of one ClickHouse type, for the types the schema uses. */
export function putOf(type: string): Put {
  const inner = /^(Array|LowCardinality|Nullable)\((.*)\)$/.exec(type);
  if (inner) {
    const put = putOf(inner[2]!);
    if (inner[1] === 'LowCardinality') return put; // RowBinary writes the plain value.
    if (inner[1] === 'Nullable')
      return (w, v) => {
        w.u8(v === null || v === undefined ? 1 : 0);
        if (v !== null && v !== undefined) put(w, v);
      };
    return (w, v) => {
      const a = v as readonly unknown[];
      w.varUInt(a.length);
      for (let i = 0; i < a.length; i++) put(w, a[i]);
    };
  }
  switch (type) {
    case 'String':
      return putString;
    case 'Map(LowCardinality(String), String)':
    case 'Map(String, String)':
      return putMap;
    case 'DateTime64(9)':
    case 'UInt64':
    case 'Int64':
      return (w, v) => w.int64(v as string);
    case 'Float64':
      return (w, v) => w.f64(v as number);
    case 'UInt32':
      return (w, v) => w.u32(v as number);
    case 'Int32':
      return (w, v) => w.i32(v as number);
    case 'UInt8':
      return (w, v) => w.u8(v as number);
    case 'Bool':
      return (w, v) => w.u8(v ? 1 : 0);
    default:
      throw new Error(`RowBinary: no writer for the ClickHouse type ${type}`);
  }
}

/**
 * Reads one column of a row. A closure per column keeps each property read monomorphic (one
 * shape, one key), where `row[columns[i]]` in a loop would be one megamorphic site for them all.
 */
export const getter =
  (name: string) =>
  (row: unknown): unknown =>
    (row as Record<string, unknown>)[name];

export interface RowEncoder<R> {
  encode(rows: readonly R[]): Buffer;
}

/** An encoder for rows with these columns (name → ClickHouse type, in insert order). */
export function rowBinaryEncoder<R>(
  columns: readonly (keyof R & string)[],
  types: Readonly<Record<string, string>>,
): RowEncoder<R> {
  const header = new BinaryWriter(4096);
  header.varUInt(columns.length);
  for (const c of columns) header.string(c);
  const writers = columns.map((c) => {
    const type = types[c];
    if (type === undefined) throw new Error(`RowBinary: no type for column ${c}`);
    header.string(type);
    const put = putOf(type);
    const get = getter(c);
    return (w: BinaryWriter, row: unknown) => put(w, get(row));
  });
  const head = Buffer.from(header.bytes());
  return {
    encode(rows) {
      const w = new BinaryWriter(head.length + rows.length * 256);
      w.raw(head);
      for (const row of rows) for (let i = 0; i < writers.length; i++) writers[i]!(w, row);
      return w.bytes();
    },
  };
}
