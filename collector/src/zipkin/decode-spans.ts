import { SightlineError } from '@sightline/model/errors';
import {
  decodeProtobufBody,
  mediaTypeOf,
  parseJsonBody,
  type Encoding,
} from '../receive/decode-body.ts';
import { ListOfSpans } from './zipkin-proto.ts';

export type ZipkinEncoding = Encoding;

/** Zipkin v2 bodies: JSON (a list of spans) or protobuf (`ListOfSpans`); anything else is 415. */
export const zipkinEncodingOf = (contentType: string | undefined): ZipkinEncoding =>
  mediaTypeOf(contentType, 'Zipkin v2 takes application/json or application/x-protobuf', true);

/** The body as a list of spans in Zipkin's JSON v2 shape (protobuf is converted to it). */
export function decodeZipkinBody(encoding: ZipkinEncoding, body: Buffer): unknown[] {
  if (encoding === 'protobuf') return decodeProtobuf(body);
  const parsed = parseJsonBody(body, 'JSON');
  if (!Array.isArray(parsed)) {
    throw new SightlineError('SL_ERR_BAD_JSON', 400, 'the body must be a JSON array of spans');
  }
  return parsed;
}

type Obj = Record<string, unknown>;

const hex = (v: unknown): string | undefined =>
  v instanceof Uint8Array && v.length > 0 ? Buffer.from(v).toString('hex') : undefined;

function ipv6Text(b: Uint8Array): string {
  const groups: string[] = [];
  for (let i = 0; i + 1 < b.length; i += 2) groups.push(((b[i]! << 8) | b[i + 1]!).toString(16));
  return groups.join(':');
}

function endpoint(v: unknown): Obj | undefined {
  if (typeof v !== 'object' || v === null) return undefined;
  const e = v as Obj;
  const out: Obj = {};
  if (typeof e.serviceName === 'string' && e.serviceName !== '') out.serviceName = e.serviceName;
  // A wrong address length is passed on as text the span check rejects, naming the field.
  if (e.ipv4 instanceof Uint8Array && e.ipv4.length > 0)
    out.ipv4 = e.ipv4.length === 4 ? Array.from(e.ipv4).join('.') : `${e.ipv4.length} bytes`;
  if (e.ipv6 instanceof Uint8Array && e.ipv6.length > 0)
    out.ipv6 = e.ipv6.length === 16 ? ipv6Text(e.ipv6) : `${e.ipv6.length} bytes`;
  if (typeof e.port === 'number' && e.port !== 0) out.port = e.port;
  return out;
}

const micros = (v: unknown): number | undefined =>
  typeof v === 'string' && v !== '0' ? Number(v) : undefined;

function decodeProtobuf(body: Buffer): unknown[] {
  const message: Obj = decodeProtobufBody(body, 'zipkin.proto3.ListOfSpans', (b) =>
    ListOfSpans.toObject(ListOfSpans.decode(b), { longs: String, enums: String }),
  );
  const spans = Array.isArray(message.spans) ? (message.spans as Obj[]) : [];
  return spans.map((s) => {
    const out: Obj = {
      traceId: hex(s.traceId) ?? '',
      id: hex(s.id) ?? '',
    };
    const parentId = hex(s.parentId);
    if (parentId) out.parentId = parentId;
    if (typeof s.kind === 'string' && s.kind !== 'SPAN_KIND_UNSPECIFIED') out.kind = s.kind;
    if (typeof s.name === 'string' && s.name !== '') out.name = s.name;
    const timestamp = micros(s.timestamp);
    if (timestamp !== undefined) out.timestamp = timestamp;
    const duration = micros(s.duration);
    if (duration !== undefined) out.duration = duration;
    const local = endpoint(s.localEndpoint);
    if (local) out.localEndpoint = local;
    const remote = endpoint(s.remoteEndpoint);
    if (remote) out.remoteEndpoint = remote;
    if (Array.isArray(s.annotations)) {
      out.annotations = (s.annotations as Obj[]).map((a) => ({
        timestamp: micros(a.timestamp) ?? 0,
        value: a.value ?? '',
      }));
    }
    if (s.tags && typeof s.tags === 'object') out.tags = s.tags;
    if (s.debug === true) out.debug = true;
    if (s.shared === true) out.shared = true;
    return out;
  });
}
