import { createHash } from 'node:crypto';
import { isIP } from 'node:net';
import { ItemError, Rejections } from '../otlp/item-error.ts';

type Obj = Record<string, unknown>;

/** An OTLP KeyValue in the OTLP/JSON shape the trace mapper (and the Kafka encoder) read. */
interface KeyValue {
  key: string;
  value: { stringValue: string } | { intValue: number } | { boolValue: boolean };
}

interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  startTimeUnixNano: string;
  endTimeUnixNano: string;
  attributes: KeyValue[];
  events: { timeUnixNano: string; name: string }[];
  status: { code: number; message: string };
}

export interface ZipkinConversion {
  /** An ExportTraceServiceRequest in the OTLP/JSON shape; holds only the spans that were valid. */
  request: { resourceSpans: Obj[] };
  accepted: number;
  rejected: Rejections;
}

// OTLP SpanKind numbers; a Zipkin span without a kind is a local (in-process) span.
const KINDS: Record<string, number> = { CLIENT: 3, SERVER: 2, PRODUCER: 4, CONSUMER: 5 };
const INTERNAL = 1;
const STATUS_OK = 1;
const STATUS_ERROR = 2;

const HEX16 = /^[0-9a-fA-F]{16}$/;
const HEX32 = /^[0-9a-fA-F]{32}$/;
const ZERO = /^0+$/;

const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Zipkin's 64-bit trace ids are the low half of a 128-bit one (B3 pads them the same way). */
function traceIdOf(v: unknown, path: string): string {
  if (typeof v !== 'string' || !(HEX16.test(v) || HEX32.test(v)))
    throw new ItemError(`${path}.traceId`, 'expected 16 or 32 hex characters');
  if (ZERO.test(v)) throw new ItemError(`${path}.traceId`, 'must not be all zeros');
  return v.toLowerCase().padStart(32, '0');
}

function spanIdOf(v: unknown, path: string, field: string, optional: boolean): string {
  if (optional && (v === undefined || v === null || v === '')) return '';
  if (typeof v !== 'string' || !HEX16.test(v))
    throw new ItemError(`${path}.${field}`, 'expected 16 hex characters');
  if (ZERO.test(v)) {
    // Some tracers write an all-zero parent for a root span.
    if (optional) return '';
    throw new ItemError(`${path}.${field}`, 'must not be all zeros');
  }
  return v.toLowerCase();
}

/** Epoch or duration microseconds as a non-negative integer; absent → undefined. */
function microsOf(v: unknown, path: string): bigint | undefined {
  if (v === undefined || v === null) return undefined;
  if (typeof v === 'number' && Number.isSafeInteger(v) && v >= 0) return BigInt(v);
  if (typeof v === 'string' && /^\d{1,19}$/.test(v)) return BigInt(v);
  throw new ItemError(path, 'expected a non-negative integer of microseconds');
}

function optString(v: unknown, path: string): string {
  if (v === undefined || v === null) return '';
  if (typeof v !== 'string') throw new ItemError(path, 'expected a string');
  return v;
}

function optBool(v: unknown, path: string): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v !== 'boolean') throw new ItemError(path, 'expected true or false');
  return v;
}

interface Endpoint {
  serviceName: string;
  ip: string;
  port: number;
}

function endpointOf(v: unknown, path: string): Endpoint | undefined {
  if (v === undefined || v === null) return undefined;
  if (!isObj(v)) throw new ItemError(path, 'expected an object');
  const ipv4 = optString(v.ipv4, `${path}.ipv4`);
  if (ipv4 !== '' && isIP(ipv4) !== 4)
    throw new ItemError(`${path}.ipv4`, 'expected an IPv4 address');
  const ipv6 = optString(v.ipv6, `${path}.ipv6`);
  if (ipv6 !== '' && isIP(ipv6) !== 6)
    throw new ItemError(`${path}.ipv6`, 'expected an IPv6 address');
  const port = v.port ?? 0;
  if (typeof port !== 'number' || !Number.isInteger(port) || port < 0 || port > 65535)
    throw new ItemError(`${path}.port`, 'expected a port number (0-65535)');
  return {
    // Zipkin treats service names case-insensitively and stores them lower-cased.
    serviceName: optString(v.serviceName, `${path}.serviceName`).toLowerCase(),
    ip: ipv4 || ipv6,
    port,
  };
}

function tagsOf(v: unknown, path: string): [string, string][] {
  if (v === undefined || v === null) return [];
  if (!isObj(v)) throw new ItemError(path, 'expected an object of string values');
  return Object.entries(v).map(([k, x]) => {
    if (typeof x === 'string') return [k, x];
    // Zipkin's model says strings; some tracers send numbers and booleans unquoted.
    if (typeof x === 'number' || typeof x === 'boolean') return [k, String(x)];
    throw new ItemError(`${path}.${k}`, 'expected a string');
  });
}

const text = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });
const int = (key: string, value: number): KeyValue => ({ key, value: { intValue: value } });

/** Peer attributes from the remote endpoint, in the names OpenTelemetry's Zipkin receiver uses. */
function peerAttributes(remote: Endpoint | undefined, kind: number): KeyValue[] {
  if (!remote) return [];
  const out: KeyValue[] = [];
  if (remote.serviceName) out.push(text('peer.service', remote.serviceName));
  if (remote.ip) out.push(text('net.peer.ip', remote.ip));
  if (remote.port) out.push(int('net.peer.port', remote.port));
  // For a client the remote end is the server; for a server, the client.
  const side = kind === KINDS.CLIENT || kind === KINDS.PRODUCER ? 'server' : 'client';
  if (kind !== INTERNAL && remote.ip) out.push(text(`${side}.address`, remote.ip));
  if (kind !== INTERNAL && remote.port) out.push(int(`${side}.port`, remote.port));
  return out;
}

interface Checked {
  span: OtlpSpan;
  service: string;
  shared: boolean;
  /** The id as Zipkin sent it (for a shared span, the client's id). */
  zipkinId: string;
}

function checkSpan(raw: unknown, path: string): Checked {
  if (!isObj(raw)) throw new ItemError(path, 'expected a span object');
  const traceId = traceIdOf(raw.traceId, path);
  const id = spanIdOf(raw.id, path, 'id', false);
  const parentId = spanIdOf(raw.parentId, path, 'parentId', true);
  const kindName = optString(raw.kind, `${path}.kind`);
  const kind = kindName === '' ? INTERNAL : KINDS[kindName.toUpperCase()];
  if (kind === undefined)
    throw new ItemError(`${path}.kind`, 'expected CLIENT, SERVER, PRODUCER or CONSUMER');
  const name = optString(raw.name, `${path}.name`);
  const local = endpointOf(raw.localEndpoint, `${path}.localEndpoint`);
  const remote = endpointOf(raw.remoteEndpoint, `${path}.remoteEndpoint`);

  if (raw.annotations !== undefined && raw.annotations !== null && !Array.isArray(raw.annotations))
    throw new ItemError(`${path}.annotations`, 'expected an array');
  const annotations = ((raw.annotations as unknown[] | undefined) ?? []).map((a, j) => {
    const at = `${path}.annotations[${j}]`;
    if (!isObj(a)) throw new ItemError(at, 'expected an object');
    const ts = microsOf(a.timestamp, `${at}.timestamp`);
    if (ts === undefined) throw new ItemError(`${at}.timestamp`, 'is required');
    return { ts, value: optString(a.value, `${at}.value`) };
  });

  // A span reported without its own timestamp (a late annotation) starts at its first annotation.
  let start = microsOf(raw.timestamp, `${path}.timestamp`);
  if (start === undefined || start === 0n) {
    start = annotations.reduce<bigint | undefined>(
      (m, a) => (m === undefined || a.ts < m ? a.ts : m),
      undefined,
    );
    if (start === undefined)
      throw new ItemError(`${path}.timestamp`, 'is required when the span has no annotations');
  }
  const duration = microsOf(raw.duration, `${path}.duration`) ?? 0n;
  const tags = tagsOf(raw.tags, `${path}.tags`);
  const debug = optBool(raw.debug, `${path}.debug`);
  const shared = optBool(raw.shared, `${path}.shared`);

  const attributes: KeyValue[] = [];
  if (local?.ip) attributes.push(text('net.host.ip', local.ip));
  if (local?.port) attributes.push(int('net.host.port', local.port));
  attributes.push(...peerAttributes(remote, kind));
  if (debug) attributes.push({ key: 'zipkin.debug', value: { boolValue: true } });
  let status = { code: 0, message: '' };
  const tagMap = new Map(tags);
  for (const [k, v] of tags) attributes.push(text(k, v));
  // `error` is Zipkin's failure marker (its value says what failed); OpenTelemetry's Zipkin
  // exporter also writes otel.status_code, which wins when present.
  if (tagMap.has('error')) status = { code: STATUS_ERROR, message: tagMap.get('error') ?? '' };
  const otelStatus = tagMap.get('otel.status_code')?.toUpperCase();
  if (otelStatus === 'ERROR')
    status = {
      code: STATUS_ERROR,
      message: tagMap.get('otel.status_description') ?? tagMap.get('error') ?? '',
    };
  else if (otelStatus === 'OK') status = { code: STATUS_OK, message: '' };

  const startNanos = start * 1000n;
  return {
    span: {
      traceId,
      spanId: id,
      parentSpanId: parentId,
      name,
      kind,
      startTimeUnixNano: startNanos.toString(),
      endTimeUnixNano: (startNanos + duration * 1000n).toString(),
      attributes,
      events: annotations.map((a) => ({ timeUnixNano: (a.ts * 1000n).toString(), name: a.value })),
      status,
    },
    service: local?.serviceName ?? '',
    shared,
    zipkinId: id,
  };
}

/**
 * The id given to the server half of a shared span. Zipkin lets a server join its client's span
 * (both report the same id, the server one marked `shared`); OpenTelemetry needs one id per span.
 * The server half gets an id derived from the trace and span ids, so a retried or duplicated
 * report gets the same one, and becomes a child of the client half.
 */
export function sharedSpanId(traceId: string, zipkinId: string): string {
  return createHash('sha256')
    .update(`zipkin-shared/${traceId}/${zipkinId}`)
    .digest()
    .subarray(0, 8)
    .toString('hex');
}

/**
 * Zipkin v2 spans (JSON shape) → an OTLP trace export request, one resource per local service. A
 * span that cannot be converted is rejected alone, its path and reason kept for the response.
 */
export function zipkinToOtlp(spans: readonly unknown[]): ZipkinConversion {
  const rejected = new Rejections();
  const checked: Checked[] = [];
  for (let i = 0; i < spans.length; i++) {
    try {
      checked.push(checkSpan(spans[i], `spans[${i}]`));
    } catch (err) {
      if (!(err instanceof ItemError)) throw err;
      rejected.add(err);
    }
  }

  // The server half's own children (its outgoing calls, in the same service) name the shared id
  // as their parent; they are re-pointed at the server half when it is in the same request, as a
  // tracer's reporter normally sends them. Otherwise they hang off the client half: still in the
  // trace and in the right order, one level higher.
  const sharedIds = new Map<string, string>();
  for (const c of checked) {
    if (!c.shared) continue;
    const derived = sharedSpanId(c.span.traceId, c.zipkinId);
    sharedIds.set(`${c.span.traceId}/${c.zipkinId}/${c.service}`, derived);
    c.span.parentSpanId = c.zipkinId;
    c.span.spanId = derived;
  }
  if (sharedIds.size > 0) {
    for (const c of checked) {
      if (c.shared || c.span.parentSpanId === '') continue;
      const derived = sharedIds.get(`${c.span.traceId}/${c.span.parentSpanId}/${c.service}`);
      if (derived) c.span.parentSpanId = derived;
    }
  }

  const byService = new Map<string, OtlpSpan[]>();
  for (const c of checked) {
    let list = byService.get(c.service);
    if (!list) byService.set(c.service, (list = []));
    list.push(c.span);
  }
  const resourceSpans = [...byService].map(([service, list]) => ({
    resource: { attributes: service ? [text('service.name', service)] : [] },
    scopeSpans: [{ spans: list }],
  }));
  return { request: { resourceSpans }, accepted: checked.length, rejected };
}
