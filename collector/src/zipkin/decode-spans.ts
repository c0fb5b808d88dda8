import { SightlineError } from '@sightline/model/errors';
import { ListOfSpans } from './zipkin-proto.ts';

export type ZipkinEncoding = 'json' | 'protobuf';

/** Zipkin v2 bodies: JSON (a list of spans) or protobuf (`ListOfSpans`); anything else is 415. */
export function zipkinEncodingOf(contentType: string | undefined): ZipkinEncoding {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  // Zipkin's own server reads a body without a content type as JSON; so do we.
  if (base === '' || base === 'application/json') return 'json';
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  throw new SightlineError(
    'SL_ERR_UNSUPPORTED_MEDIA_TYPE',
    415,
    `unsupported content type '${base}': Zipkin v2 takes application/json or application/x-protobuf`,
  );
}

/** The body as a list of spans in Zipkin's JSON v2 shape (protobuf is converted to it). */
export function decodeZipkinBody(encoding: ZipkinEncoding, body: Buffer): unknown[] {
  if (encoding === 'protobuf') return decodeProtobuf(body);
  let parsed: unknown;
  try {
    parsed = JSON.parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    throw new SightlineError(
      'SL_ERR_BAD_JSON',
      400,
      `the body is not valid JSON: ${(err as Error).message}`,
    );
  }
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
  let message: Obj;
  try {
    message = ListOfSpans.toObject(ListOfSpans.decode(body), {
      longs: String,
      enums: String,
    });
  } catch (err) {
    throw new SightlineError(
      'SL_ERR_BAD_PROTOBUF',
      400,
      `the body is not a valid protobuf zipkin.proto3.ListOfSpans: ${(err as Error).message}`,
    );
  }
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
