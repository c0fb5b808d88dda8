import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createRequire } from 'node:module';

/**
 * A stand-in for the Sightline collector in tests: a real HTTP server on 127.0.0.1 that accepts
 * OTLP/HTTP protobuf on /v1/traces, /v1/logs and /v1/metrics and decodes every request with the
 * protobufjs root that @opentelemetry/otlp-transformer 0.52.x ships.
 */

interface ProtoType {
  decode(buffer: Uint8Array): object;
  toObject(message: object, options: { longs: StringConstructor }): unknown;
}

interface ProtoRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: { v1: { ExportTraceServiceRequest: ProtoType } };
        logs: { v1: { ExportLogsServiceRequest: ProtoType } };
        metrics: { v1: { ExportMetricsServiceRequest: ProtoType } };
      };
    };
  };
}

const root = createRequire(import.meta.url)(
  '@opentelemetry/otlp-transformer/build/src/generated/root.js',
) as ProtoRoot;
const collector = root.opentelemetry.proto.collector;

/** Pass as `ignoreIncomingPaths` when the SDK under test runs in the same process as this server. */
export const OTLP_PATHS = ['/v1/traces', '/v1/logs', '/v1/metrics'];

export interface ReceivedSpan {
  service: string;
  traceId: string;
  spanId: string;
  parentSpanId: string;
  name: string;
  kind: number;
  attributes: Record<string, unknown>;
  statusCode: number;
  events: { name: string; attributes: Record<string, unknown> }[];
}

export interface ReceivedLog {
  service: string;
  /** The attributes of the record's resource. */
  resource: Record<string, unknown>;
  traceId: string;
  spanId: string;
  body: unknown;
  severityNumber: number;
  severityText: string;
  attributes: Record<string, unknown>;
}

export interface ReceivedMetric {
  service: string;
  name: string;
  points: { attributes: Record<string, unknown>; value: number | undefined; count?: number }[];
}

export interface ReceivedRequest {
  path: string;
  headers: IncomingHttpHeaders;
}

// The decoded protobuf as plain objects (after toObject with longs as strings).
interface KeyValue {
  key: string;
  value?: AnyValue;
}
interface AnyValue {
  stringValue?: string;
  boolValue?: boolean;
  intValue?: string;
  doubleValue?: number;
  arrayValue?: { values?: AnyValue[] };
  kvlistValue?: { values?: KeyValue[] };
  bytesValue?: Uint8Array;
}
interface WithAttributes {
  attributes?: KeyValue[];
}
interface Resourced<Scope> {
  resource?: WithAttributes;
  scope: Scope[];
}

function anyValue(value: AnyValue | undefined): unknown {
  if (value === undefined) return undefined;
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(anyValue);
  if (value.kvlistValue !== undefined) return attributes(value.kvlistValue.values);
  if (value.bytesValue !== undefined) return Buffer.from(value.bytesValue).toString('hex');
  return undefined;
}

function attributes(list: KeyValue[] | undefined): Record<string, unknown> {
  const result: Record<string, unknown> = {};
  for (const { key, value } of list ?? []) result[key] = anyValue(value);
  return result;
}

function hex(bytes: Uint8Array | undefined): string {
  return bytes === undefined ? '' : Buffer.from(bytes).toString('hex');
}

function serviceOf(resource: WithAttributes | undefined): string {
  const name = attributes(resource?.attributes)['service.name'];
  return typeof name === 'string' ? name : '';
}

function flatten<Scope, Item>(
  resources: Resourced<Scope>[] | undefined,
  items: (scope: Scope) => Item[] | undefined,
): { service: string; resource: Record<string, unknown>; item: Item }[] {
  const out: { service: string; resource: Record<string, unknown>; item: Item }[] = [];
  for (const resource of resources ?? []) {
    const service = serviceOf(resource.resource);
    const resourceAttributes = attributes(resource.resource?.attributes);
    for (const scope of resource.scope) {
      for (const item of items(scope) ?? []) {
        out.push({ service, resource: resourceAttributes, item });
      }
    }
  }
  return out;
}

interface RawSpan extends WithAttributes {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  parentSpanId?: Uint8Array;
  name: string;
  kind?: number;
  status?: { code?: number };
  events?: ({ name: string } & WithAttributes)[];
}
interface RawLog extends WithAttributes {
  traceId?: Uint8Array;
  spanId?: Uint8Array;
  body?: AnyValue;
  severityNumber?: number;
  severityText?: string;
}
interface RawPoint extends WithAttributes {
  asDouble?: number;
  asInt?: string;
  count?: string;
  sum?: number;
}
interface RawMetric {
  name: string;
  sum?: { dataPoints?: RawPoint[] };
  gauge?: { dataPoints?: RawPoint[] };
  histogram?: { dataPoints?: RawPoint[] };
}

function decodeSpans(body: Buffer): ReceivedSpan[] {
  const type = collector.trace.v1.ExportTraceServiceRequest;
  const message = type.toObject(type.decode(body), { longs: String }) as {
    resourceSpans?: (Resourced<{ spans?: RawSpan[] }> & { scopeSpans?: { spans?: RawSpan[] }[] })[];
  };
  const resources = (message.resourceSpans ?? []).map((r) => ({ ...r, scope: r.scopeSpans ?? [] }));
  return flatten(resources, (scope) => scope.spans).map(({ service, item }) => ({
    service,
    traceId: hex(item.traceId),
    spanId: hex(item.spanId),
    parentSpanId: hex(item.parentSpanId),
    name: item.name,
    kind: item.kind ?? 0,
    attributes: attributes(item.attributes),
    statusCode: item.status?.code ?? 0,
    events: (item.events ?? []).map((e) => ({
      name: e.name,
      attributes: attributes(e.attributes),
    })),
  }));
}

function decodeLogs(body: Buffer): ReceivedLog[] {
  const type = collector.logs.v1.ExportLogsServiceRequest;
  const message = type.toObject(type.decode(body), { longs: String }) as {
    resourceLogs?: (Resourced<{ logRecords?: RawLog[] }> & {
      scopeLogs?: { logRecords?: RawLog[] }[];
    })[];
  };
  const resources = (message.resourceLogs ?? []).map((r) => ({ ...r, scope: r.scopeLogs ?? [] }));
  return flatten(resources, (scope) => scope.logRecords).map(({ service, resource, item }) => ({
    service,
    resource,
    traceId: hex(item.traceId),
    spanId: hex(item.spanId),
    body: anyValue(item.body),
    severityNumber: item.severityNumber ?? 0,
    severityText: item.severityText ?? '',
    attributes: attributes(item.attributes),
  }));
}

function decodeMetrics(body: Buffer): ReceivedMetric[] {
  const type = collector.metrics.v1.ExportMetricsServiceRequest;
  const message = type.toObject(type.decode(body), { longs: String }) as {
    resourceMetrics?: (Resourced<{ metrics?: RawMetric[] }> & {
      scopeMetrics?: { metrics?: RawMetric[] }[];
    })[];
  };
  const resources = (message.resourceMetrics ?? []).map((r) => ({
    ...r,
    scope: r.scopeMetrics ?? [],
  }));
  return flatten(resources, (scope) => scope.metrics).map(({ service, item }) => {
    const points = item.sum?.dataPoints ?? item.gauge?.dataPoints ?? item.histogram?.dataPoints;
    return {
      service,
      name: item.name,
      points: (points ?? []).map((p) => ({
        attributes: attributes(p.attributes),
        value: p.asDouble ?? (p.asInt === undefined ? p.sum : Number(p.asInt)),
        ...(p.count === undefined ? {} : { count: Number(p.count) }),
      })),
    };
  });
}

export class OtlpTestServer {
  readonly spans: ReceivedSpan[] = [];
  readonly logs: ReceivedLog[] = [];
  readonly metrics: ReceivedMetric[] = [];
  readonly requests: ReceivedRequest[] = [];
  private readonly server: Server;
  private address = '';

  private constructor() {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = Buffer.concat(chunks);
        const path = req.url ?? '';
        this.requests.push({ path, headers: req.headers });
        try {
          if (path === '/v1/traces') this.spans.push(...decodeSpans(body));
          else if (path === '/v1/logs') this.logs.push(...decodeLogs(body));
          else if (path === '/v1/metrics') this.metrics.push(...decodeMetrics(body));
          else {
            res.writeHead(404).end();
            return;
          }
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        } catch (error) {
          res.writeHead(400).end(String(error));
        }
      });
    });
  }

  /** Base URL to pass as the SDK's endpoint. */
  get url(): string {
    return this.address;
  }

  static async start(): Promise<OtlpTestServer> {
    const instance = new OtlpTestServer();
    await new Promise<void>((resolve) => instance.server.listen(0, '127.0.0.1', resolve));
    const { port } = instance.server.address() as AddressInfo;
    instance.address = `http://127.0.0.1:${port}`;
    return instance;
  }

  /** Polls until `predicate` holds; fails with `what` after `timeoutMs`. */
  async waitFor(what: string, predicate: () => boolean, timeoutMs = 15_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (!predicate()) {
      if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
      await new Promise((resolve) => setTimeout(resolve, 25));
    }
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
