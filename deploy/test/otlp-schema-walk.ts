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

/** Every value at `path` in an OTLP/JSON object, repeated messages flattened in order. */
export function valuesAt(obj: Json, path: string): Json[] {
  let cur: Json[] = [obj];
  const segs = path.split('.');
  for (const [i, seg] of segs.entries()) {
    const next: Json[] = [];
    for (const o of cur) {
      if (typeof o !== 'object' || o === null) continue;
      const v = (o as Record<string, Json>)[seg];
      if (v === undefined) continue;
      next.push(v);
    }
    // Repeated messages in the middle of a path fan out; a repeated leaf stays one value.
    cur = next;
    if (i < segs.length - 1) cur = cur.flatMap((v) => (Array.isArray(v) ? (v as Json[]) : [v]));
  }
  return cur;
}

const LONG = new Set(['int64', 'uint64', 'fixed64', 'sfixed64', 'sint64']);

/** KeyValue list (string values) → the map Sightline stores. */
export const kvMap = (kvs: Json): Record<string, string> =>
  Object.fromEntries(
    (kvs as { key: string; value: { stringValue: string } }[]).map((kv) => [
      kv.key,
      kv.value.stringValue,
    ]),
  );

/** A sent value as Sightline returns it: attribute maps, 64-bit integers as decimal strings. */
export function normalise(field: protobuf.Field, v: Json): Json {
  if (field.resolvedType?.fullName === KEY_VALUE) return kvMap(v);
  if (field.resolvedType?.fullName === ANY_VALUE) {
    return (v as { stringValue: string }).stringValue;
  }
  if (LONG.has(field.type)) return Array.isArray(v) ? v.map(String) : String(v);
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
