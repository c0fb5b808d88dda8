import { createRequire } from 'node:module';

/** A protobufjs message class as generated for the OTLP definitions. */
export interface ProtoType {
  decode(reader: Uint8Array): unknown;
  encode(message: object): { finish(): Uint8Array };
  fromObject(object: object): object;
  toObject(message: object, options?: object): Record<string, unknown>;
}

interface OtlpRoot {
  opentelemetry: {
    proto: {
      collector: {
        trace: {
          v1: Record<'ExportTraceServiceRequest' | 'ExportTraceServiceResponse', ProtoType>;
        };
        logs: { v1: Record<'ExportLogsServiceRequest' | 'ExportLogsServiceResponse', ProtoType> };
        metrics: {
          v1: Record<'ExportMetricsServiceRequest' | 'ExportMetricsServiceResponse', ProtoType>;
        };
      };
    };
  };
}

// The OpenTelemetry JS 0.52 line ships protobufjs encoders and decoders for every OTLP message
// (opentelemetry-proto 1.3); later lines only encode, by hand-written code.
const root = createRequire(import.meta.url)(
  '@opentelemetry/otlp-transformer/build/src/generated/root.js',
) as OtlpRoot;

const c = root.opentelemetry.proto.collector;

export type Signal = 'traces' | 'logs' | 'metrics';

export const REQUEST_TYPES: Record<Signal, ProtoType> = {
  traces: c.trace.v1.ExportTraceServiceRequest,
  logs: c.logs.v1.ExportLogsServiceRequest,
  metrics: c.metrics.v1.ExportMetricsServiceRequest,
};

export const RESPONSE_TYPES: Record<Signal, ProtoType> = {
  traces: c.trace.v1.ExportTraceServiceResponse,
  logs: c.logs.v1.ExportLogsServiceResponse,
  metrics: c.metrics.v1.ExportMetricsServiceResponse,
};
