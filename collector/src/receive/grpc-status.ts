import { Metadata, status as GrpcStatus, type ServerErrorResponse } from '@grpc/grpc-js';
import protobuf from 'protobufjs';
import type { SightlineError } from '@sightline/model/errors';

// google.rpc.Status with its `details` as google.protobuf.Any, and google.rpc.RetryInfo: the
// public schemas an OTLP/gRPC client reads from the `grpc-status-details-bin` trailer to learn
// how long to back off (OTLP spec, "Failures" under OTLP/gRPC).
const root = new protobuf.Root();
const Duration = new protobuf.Type('Duration')
  .add(new protobuf.Field('seconds', 1, 'int64'))
  .add(new protobuf.Field('nanos', 2, 'int32'));
const Any = new protobuf.Type('Any')
  .add(new protobuf.Field('type_url', 1, 'string'))
  .add(new protobuf.Field('value', 2, 'bytes'));
root.define('google.protobuf').add(Duration).add(Any);
const RetryInfo = new protobuf.Type('RetryInfo').add(
  new protobuf.Field('retry_delay', 1, 'google.protobuf.Duration'),
);
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'))
  .add(new protobuf.Field('details', 3, 'google.protobuf.Any', 'repeated'));
root.define('google.rpc').add(RetryInfo).add(Status);
root.resolveAll();

export const RETRY_INFO_TYPE_URL = 'type.googleapis.com/google.rpc.RetryInfo';
export const STATUS_DETAILS_KEY = 'grpc-status-details-bin';

/** A google.rpc.Status carrying one RetryInfo, as bytes for the status-details trailer. */
export function encodeRetryStatus(code: number, message: string, retrySeconds: number): Buffer {
  const whole = Math.floor(retrySeconds);
  const retry = RetryInfo.encode(
    RetryInfo.create({
      retry_delay: { seconds: whole, nanos: Math.round((retrySeconds - whole) * 1e9) },
    }),
  ).finish();
  const status = Status.create({
    code,
    message,
    details: [{ type_url: RETRY_INFO_TYPE_URL, value: retry }],
  });
  return Buffer.from(Status.encode(status).finish());
}

export interface DecodedStatus {
  readonly code: number;
  readonly message: string;
  /** From the first RetryInfo detail, in seconds; undefined when there is none. */
  readonly retrySeconds: number | undefined;
}

/** Reads a `grpc-status-details-bin` value back (what an exporter does before it retries). */
export function decodeStatusDetails(bytes: Uint8Array): DecodedStatus {
  const s = Status.toObject(Status.decode(bytes), { longs: Number, defaults: true }) as {
    code: number;
    message: string;
    details: { type_url: string; value: Uint8Array }[];
  };
  const info = s.details.find((d) => d.type_url === RETRY_INFO_TYPE_URL);
  let retrySeconds: number | undefined;
  if (info) {
    const r = RetryInfo.toObject(RetryInfo.decode(info.value), { longs: Number, defaults: true });
    const delay = (r.retry_delay ?? { seconds: 0, nanos: 0 }) as { seconds: number; nanos: number };
    retrySeconds = delay.seconds + delay.nanos / 1e9;
  }
  return { code: s.code, message: s.message, retrySeconds };
}

/** A refusal without a delay still says "retry later"; the OTLP spec's backoff starts near 1 s. */
const DEFAULT_RETRY_SECONDS = 1;

/** The gRPC status the OTLP spec asks for, for an HTTP-style status a receiver step produced. */
export function grpcCodeOf(httpStatus: number): GrpcStatus {
  switch (httpStatus) {
    case 401:
      return GrpcStatus.UNAUTHENTICATED;
    case 403:
      return GrpcStatus.PERMISSION_DENIED;
    case 404:
      return GrpcStatus.NOT_FOUND;
    // Too large is final (no RetryInfo goes with it); 429 is the retryable kind.
    case 413:
    case 429:
      return GrpcStatus.RESOURCE_EXHAUSTED;
    case 502:
    case 503:
    case 504:
      return GrpcStatus.UNAVAILABLE;
    default:
      return httpStatus >= 500 ? GrpcStatus.INTERNAL : GrpcStatus.INVALID_ARGUMENT;
  }
}

/**
 * The error a unary handler answers with. Refusals a client should retry (queue full, store or
 * Kafka down) carry RetryInfo, without which OTLP exporters treat RESOURCE_EXHAUSTED as final.
 */
export function grpcErrorOf(err: SightlineError): ServerErrorResponse {
  const code = grpcCodeOf(err.statusCode);
  const metadata = new Metadata();
  const retryable = err.statusCode === 429 || err.statusCode === 503;
  if (retryable) {
    const seconds = err.retryAfterSeconds ?? DEFAULT_RETRY_SECONDS;
    metadata.set(STATUS_DETAILS_KEY, encodeRetryStatus(code, err.message, seconds));
  }
  return Object.assign(new Error(err.message), { code, details: err.message, metadata });
}
