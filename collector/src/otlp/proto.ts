import { createRequire } from 'node:module';
import protobuf from 'protobufjs';

/** A protobufjs message type of the OTLP definitions. */
export interface ProtoType {
  decode(reader: Uint8Array): unknown;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: object): object;
  toObject(message: object, options?: object): Record<string, unknown>;
  /** The class decoded messages are instances of. */
  readonly ctor: abstract new (...args: never[]) => object;
}

/**
 * The OTLP export requests and responses of the current opentelemetry-proto release, as
 * protobufjs reflection types. otlp-schema.json is generated from the release's .proto files by
 * scripts/gen-otlp-schema.ts; its `release` names the tag.
 */
const schema = createRequire(import.meta.url)('./otlp-schema.json') as protobuf.INamespace & {
  release: string;
};

export const OTLP_PROTO_RELEASE = schema.release;

// protobufjs refuses messages nested over 100 deep (protoc's default), which an AnyValue of ~30
// levels inside an export request reaches. The mappers keep MapLimits.maxDepth levels and mark the
// rest, so allow more (Go's protobuf, which the Collector uses, allows 10,000) while still
// bounding the recursion a hostile body can cause. Protobufjs reads these limits per call.
const NESTING_LIMIT = 1000;
protobuf.util.recursionLimit = NESTING_LIMIT;
protobuf.Reader.recursionLimit = NESTING_LIMIT;

export const otlpRoot = protobuf.Root.fromJSON({ nested: schema.nested ?? {} });
otlpRoot.resolveAll();

// Reflection puts each field's proto3 default on the message prototype, oneof members included,
// so an AnyValue holding an int would also read as stringValue ''. The mappers read fields
// directly (no toObject), and tell a oneof's member by it being non-null, so absent members read
// null; an absent bytes field reads as an empty buffer, not as the `[]` reflection uses.
const EMPTY_BYTES = Buffer.alloc(0);
(function presence(ns: protobuf.NamespaceBase): void {
  for (const nested of ns.nestedArray) {
    if (nested instanceof protobuf.Type) {
      const proto = nested.ctor.prototype as Record<string, unknown>;
      for (const field of nested.fieldsArray) {
        if (field.partOf) proto[field.name] = null;
        else if (field.type === 'bytes' && !field.repeated) proto[field.name] = EMPTY_BYTES;
      }
    }
    if (nested instanceof protobuf.Namespace) presence(nested);
  }
})(otlpRoot);

export type Signal = 'traces' | 'logs' | 'metrics';

const SERVICE_PACKAGE: Record<Signal, string> = {
  traces: 'opentelemetry.proto.collector.trace.v1.ExportTrace',
  logs: 'opentelemetry.proto.collector.logs.v1.ExportLogs',
  metrics: 'opentelemetry.proto.collector.metrics.v1.ExportMetrics',
};

const typeOf = (name: string): ProtoType => otlpRoot.lookupType(name);

export const REQUEST_TYPES: Record<Signal, ProtoType> = {
  traces: typeOf(`${SERVICE_PACKAGE.traces}ServiceRequest`),
  logs: typeOf(`${SERVICE_PACKAGE.logs}ServiceRequest`),
  metrics: typeOf(`${SERVICE_PACKAGE.metrics}ServiceRequest`),
};

export const RESPONSE_TYPES: Record<Signal, ProtoType> = {
  traces: typeOf(`${SERVICE_PACKAGE.traces}ServiceResponse`),
  logs: typeOf(`${SERVICE_PACKAGE.logs}ServiceResponse`),
  metrics: typeOf(`${SERVICE_PACKAGE.metrics}ServiceResponse`),
};

/** The request message's name, for error messages. */
export const MESSAGE_NAMES: Record<Signal, string> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};
