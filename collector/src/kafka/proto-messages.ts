import { REQUEST_TYPES, type Signal } from '../otlp/proto.ts';

/** One Kafka message: an OTLP protobuf export request and its key (null: no key). */
export interface OtlpMessage {
  readonly key: string | null;
  readonly value: Buffer;
}

type Obj = Record<string, unknown>;

const ID_FIELDS = new Set(['traceId', 'spanId', 'parentSpanId']);

// OTLP/JSON spells ids in hex where protobuf (and protobufjs' fromObject) wants bytes or base64.
function hexIdsToBytes(v: unknown): unknown {
  if (Array.isArray(v)) return v.map(hexIdsToBytes);
  if (typeof v !== 'object' || v === null || v instanceof Uint8Array) return v;
  const out: Obj = {};
  for (const [k, x] of Object.entries(v as Obj)) {
    out[k] = ID_FIELDS.has(k) && typeof x === 'string' ? Buffer.from(x, 'hex') : hexIdsToBytes(x);
  }
  return out;
}

/**
 * The request as a protobufjs message: a decoded protobuf request is used as it is, an OTLP/JSON
 * object is converted (hex ids → bytes, enum names and 64-bit strings as protobufjs reads them).
 */
export function toProtoMessage(signal: Signal, request: unknown): Obj {
  const type = REQUEST_TYPES[signal];
  if (request instanceof type.ctor) return request as Obj;
  return REQUEST_TYPES[signal].fromObject(hexIdsToBytes(request) as object) as Obj;
}

const idHex = (v: unknown): string =>
  v instanceof Uint8Array ? Buffer.from(v.buffer, v.byteOffset, v.byteLength).toString('hex') : '';

const encode = (signal: Signal, message: object): Buffer => {
  const bytes = REQUEST_TYPES[signal].encode(message).finish();
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
};

const arr = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

/**
 * One message per trace id, holding only that trace's spans under their own resource and scope,
 * keyed by the trace id in hex, so a whole trace lands in one partition (as the Collector's
 * `partition_traces_by_id`). Spans without a trace id travel together, unkeyed.
 */
export function splitTracesByTraceId(request: Obj): OtlpMessage[] {
  const byTrace = new Map<string, Obj[]>();
  for (const rs of arr(request.resourceSpans)) {
    for (const ss of arr(rs.scopeSpans)) {
      for (const span of arr(ss.spans)) {
        const trace = idHex(span.traceId);
        let resources = byTrace.get(trace);
        if (!resources) byTrace.set(trace, (resources = []));
        let r = resources.at(-1);
        if (r?.src !== rs) {
          r = { src: rs, scopes: [] as Obj[] };
          resources.push(r);
        }
        const scopes = r.scopes as Obj[];
        let s = scopes.at(-1);
        if (s?.src !== ss) {
          s = { src: ss, spans: [] as Obj[] };
          scopes.push(s);
        }
        (s.spans as Obj[]).push(span);
      }
    }
  }
  const out: OtlpMessage[] = [];
  for (const [trace, resources] of byTrace) {
    const resourceSpans = resources.map((r) => {
      const rs = r.src as Obj;
      return {
        resource: rs.resource,
        schemaUrl: rs.schemaUrl,
        scopeSpans: (r.scopes as Obj[]).map((s) => {
          const ss = s.src as Obj;
          return { scope: ss.scope, schemaUrl: ss.schemaUrl, spans: s.spans };
        }),
      };
    });
    out.push({ key: trace === '' ? null : trace, value: encode('traces', { resourceSpans }) });
  }
  return out;
}

/**
 * Logs travel as one message per request. It is keyed by trace id when every record of the
 * request carries the same one (an SDK flushing one request's logs), so it joins that trace's
 * partition; otherwise it is unkeyed and spread round-robin.
 */
export function logsMessage(request: Obj): OtlpMessage {
  let key: string | null | undefined;
  for (const rl of arr(request.resourceLogs)) {
    for (const sl of arr(rl.scopeLogs)) {
      for (const rec of arr(sl.logRecords)) {
        const trace = idHex(rec.traceId);
        if (key === undefined) key = trace === '' || /^0+$/.test(trace) ? null : trace;
        else if (key !== trace) key = null;
      }
    }
  }
  return { key: key ?? null, value: encode('logs', request) };
}

/** Metrics travel as one unkeyed message per request. */
export const metricsMessage = (request: Obj): OtlpMessage => ({
  key: null,
  value: encode('metrics', request),
});

/** The Kafka messages of one accepted request. */
export function toMessages(signal: Signal, request: unknown): OtlpMessage[] {
  const message = toProtoMessage(signal, request);
  if (signal === 'traces') return splitTracesByTraceId(message);
  if (signal === 'logs') return [logsMessage(message)];
  return [metricsMessage(message)];
}
