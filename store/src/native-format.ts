/**
 * Rows → one ClickHouse Native block: column after column, each column's values together, as
 * the engine stores them, so the engine parses it several times faster than row formats. The
 * block's header names each column's type; LowCardinality is declared as its plain type (the
 * insert converts it), which keeps the dictionary encoding out of JavaScript.
 */
import { BinaryWriter, getter, putOf, type RowEncoder } from './row-binary.ts';

interface Column {
  /** The type as the block declares it. */
  readonly declared: string;
  write(w: BinaryWriter, values: readonly unknown[]): void;
  /** One value, for a column of a plain type. */
  readonly put?: (w: BinaryWriter, v: unknown) => void;
}

const plain = (type: string): string => type.replace(/LowCardinality\((\w+)\)/g, '$1');

function columnOf(type: string): Column {
  const array = /^Array\((.*)\)$/.exec(type);
  if (array) {
    const inner = columnOf(array[1]!);
    return {
      declared: `Array(${inner.declared})`,
      write(w, values) {
        // Offsets, then every element in one column (Array.prototype.flat is slow in V8).
        const all: unknown[] = [];
        for (const v of values) {
          const a = v as readonly unknown[];
          for (let i = 0; i < a.length; i++) all.push(a[i]);
          w.u64(all.length);
        }
        inner.write(w, all);
      },
    };
  }
  const map = /^Map\((.*), (.*)\)$/.exec(type);
  if (map) {
    const keys = columnOf(map[1]!);
    const vals = columnOf(map[2]!);
    return {
      declared: `Map(${keys.declared}, ${vals.declared})`,
      write(w, values) {
        // Offsets, then all keys, then all values; each map's keys listed once.
        const keysOf = values.map((v) => Object.keys(v as object));
        let end = 0;
        for (const k of keysOf) w.u64((end += k.length));
        if (keys.put && vals.put) {
          const [putKey, putValue] = [keys.put, vals.put];
          for (const ks of keysOf) for (const k of ks) putKey(w, k);
          for (let i = 0; i < values.length; i++) {
            const m = values[i] as Record<string, unknown>;
            for (const k of keysOf[i]!) putValue(w, m[k]);
          }
          return;
        }
        const ks: string[] = [];
        const vs: unknown[] = [];
        for (let i = 0; i < values.length; i++) {
          const m = values[i] as Record<string, unknown>;
          for (const k of keysOf[i]!) {
            ks.push(k);
            vs.push(m[k]);
          }
        }
        keys.write(w, ks);
        vals.write(w, vs);
      },
    };
  }
  const put = putOf(type);
  return {
    declared: plain(type),
    put,
    write(w, values) {
      for (let i = 0; i < values.length; i++) put(w, values[i]);
    },
  };
}

/** An encoder for rows with these columns (name → ClickHouse type, in insert order). */
export function nativeEncoder<R>(
  columns: readonly (keyof R & string)[],
  types: Readonly<Record<string, string>>,
): RowEncoder<R> {
  const cols = columns.map((c) => {
    const type = types[c];
    if (type === undefined) throw new Error(`Native: no type for column ${c}`);
    return { name: c, get: getter(c), column: columnOf(type) };
  });
  return {
    encode(rows) {
      const w = new BinaryWriter(1024 + rows.length * 256);
      w.varUInt(cols.length);
      w.varUInt(rows.length);
      const values: unknown[] = new Array<unknown>(rows.length);
      for (const { name, column } of cols) {
        w.string(name);
        w.string(column.declared);
        for (let i = 0; i < rows.length; i++)
          values[i] = (rows[i] as Record<string, unknown>)[name];
        column.write(w, values);
      }
      return w.bytes();
    },
  };
}
