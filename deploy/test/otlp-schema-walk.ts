import protobuf from 'protobufjs';
import { otlpRoot } from '@sightline/collector/otlp/proto';

/**
 * Walks the OTLP protobuf descriptors: every leaf field of a message, as a dotted path of JSON
 * names (`resourceLogs.scopeLogs.logRecords.eventName`). KeyValue and AnyValue fields are leaves
 * here (they become attribute maps and strings; their own members are walked on their own), and
 * so is a message that recurs inside itself.
 */
export const KEY_VALUE = '.opentelemetry.proto.common.v1.KeyValue';
export const ANY_VALUE = '.opentelemetry.proto.common.v1.AnyValue';

export const protoType = (name: string): protobuf.Type => otlpRoot.lookupType(name);

export interface Leaf {
  readonly path: string;
  readonly field: protobuf.Field;
}

export function leaves(type: protobuf.Type, stopAt: ReadonlySet<string>, prefix = ''): Leaf[] {
  const out: Leaf[] = [];
  for (const field of type.fieldsArray) {
    const path = `${prefix}${field.name}`;
    const t = field.resolvedType;
    if (t instanceof protobuf.Type && !stopAt.has(t.fullName)) {
      out.push(...leaves(t, new Set([...stopAt, t.fullName]), `${path}.`));
    } else out.push({ path, field });
  }
  return out;
}

/** The signal's leaves: KeyValue and AnyValue stop the walk. */
export const signalLeaves = (requestType: string): Leaf[] =>
  leaves(protoType(requestType), new Set([KEY_VALUE, ANY_VALUE]));

type Json = unknown;

const LONG_TYPES = ['int64', 'uint64', 'fixed64', 'sfixed64', 'sint64'];

/** What a receiver reads for a field the sender left out (proto3 defaults, ids in hex). */
function defaultOf(field: protobuf.Field): Json {
  if (field.repeated) return [];
  if (field.type === 'bytes' || field.type === 'string') return '';
  if (LONG_TYPES.includes(field.type)) return '0';
  if (field.type === 'bool') return false;
  if (field.resolvedType?.fullName === ANY_VALUE) return {};
  return 0;
}

/**
 * Every value at `path` of an OTLP/JSON request of `type`, repeated messages fanned out in order.
 * A field left out reads as its default, except oneof and `optional` members, which were not sent.
 */
export function valuesAt(type: protobuf.Type, obj: Json, path: string): Json[] {
  let cur: { type: protobuf.Type; v: Record<string, Json> }[] = [
    { type, v: obj as Record<string, Json> },
  ];
  const out: Json[] = [];
  const segs = path.split('.');
  for (const [i, seg] of segs.entries()) {
    const next: typeof cur = [];
    for (const { type: t, v } of cur) {
      const field = t.fields[seg];
      if (!field) throw new Error(`${t.name} has no field ${seg}`);
      const x = v[seg];
      if (i === segs.length - 1) {
        if (x !== undefined && x !== null) out.push(x);
        else if (!field.partOf) out.push(defaultOf(field));
      } else if (field.repeated) {
        for (const e of (x ?? []) as Record<string, Json>[]) {
          next.push({ type: field.resolvedType as protobuf.Type, v: e });
        }
      } else if (x !== undefined || !field.partOf) {
        next.push({
          type: field.resolvedType as protobuf.Type,
          v: (x ?? {}) as Record<string, Json>,
        });
      }
    }
    cur = next;
  }
  return out;
}

const LONG = new Set(LONG_TYPES);

interface AnyJson {
  stringValue?: string;
  intValue?: string | number;
  doubleValue?: number | string;
  boolValue?: boolean;
  bytesValue?: string;
  arrayValue?: { values?: AnyJson[] };
  kvlistValue?: { values?: { key: string; value?: AnyJson }[] };
}

/**
 * A 64-bit integer as decimal text. A JSON number past 2^53 (the JavaScript exporter writes -2^63
 * as -9223372036854776000) means the double it parses to, whose exact value is the integer sent.
 */
const intText = (v: unknown): string =>
  typeof v === 'number' && Number.isInteger(v) ? BigInt(v).toString() : String(v);

/** An AnyValue as JSON: an int64 past 2^53 and a non-finite double as text, bytes in base64. */
function anyJson(v: AnyJson | undefined | null): unknown {
  if (!v) return null;
  if (v.stringValue != null) return v.stringValue;
  if (v.boolValue != null) return v.boolValue;
  if (v.intValue != null) {
    const n = Number(v.intValue);
    return Number.isSafeInteger(n) ? n : intText(v.intValue);
  }
  if (v.doubleValue != null) {
    const d = Number(v.doubleValue);
    return Number.isFinite(d) ? d : String(d);
  }
  if (v.bytesValue != null) return v.bytesValue;
  if (v.arrayValue) return (v.arrayValue.values ?? []).map(anyJson);
  if (v.kvlistValue) {
    return Object.fromEntries(
      (v.kvlistValue.values ?? []).map((kv) => [kv.key, anyJson(kv.value)]),
    );
  }
  return null;
}

/** An AnyValue as the text Sightline stores (the OTel exporter's): scalars as such, else JSON. */
const scalarText = (v: AnyJson | undefined): string => {
  const j = anyJson(v);
  return j === null ? '' : typeof j === 'string' ? j : JSON.stringify(j);
};

/** KeyValue list → the map Sightline stores. */
export const kvMap = (kvs: Json): Record<string, string> =>
  Object.fromEntries(
    (kvs as { key: string; value?: AnyJson }[]).map((kv) => [kv.key, scalarText(kv.value)]),
  );

/** A sent value as Sightline returns it: attribute maps, 64-bit integers as decimal strings. */
export function normalise(field: protobuf.Field, v: Json): Json {
  if (field.resolvedType?.fullName === KEY_VALUE) return kvMap(v);
  if (field.resolvedType?.fullName === ANY_VALUE) return scalarText(v as AnyJson);
  if (LONG.has(field.type)) return Array.isArray(v) ? v.map(intText) : intText(v);
  return v;
}

/** Whether a sent value is the proto3 default, which would prove nothing about its field. */
export const isDefault = (v: Json): boolean =>
  v === 0 ||
  v === '0' ||
  v === '' ||
  v === false ||
  (Array.isArray(v) && v.length === 0) ||
  (typeof v === 'object' && v !== null && Object.keys(v).length === 0);
