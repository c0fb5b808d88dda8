import protobuf from 'protobufjs';
import { RESPONSE_TYPES, type Signal } from '../otlp/proto.ts';
import type { Encoding } from './decode-body.ts';
import type { Acceptance } from './to-rows.ts';

// google.rpc.Status, the body of an OTLP/HTTP error response.
const Status = new protobuf.Type('Status')
  .add(new protobuf.Field('code', 1, 'int32'))
  .add(new protobuf.Field('message', 2, 'string'));
new protobuf.Root().define('google.rpc').add(Status);

/** gRPC status codes that OTLP clients read from the error body. */
function grpcCodeFor(httpStatus: number): number {
  if (httpStatus === 429) return 8; // RESOURCE_EXHAUSTED
  if (httpStatus === 503) return 14; // UNAVAILABLE
  if (httpStatus === 401) return 16; // UNAUTHENTICATED
  if (httpStatus === 403) return 7; // PERMISSION_DENIED
  if (httpStatus === 404) return 5; // NOT_FOUND
  if (httpStatus >= 500) return 13; // INTERNAL
  return 3; // INVALID_ARGUMENT
}

export function statusBody(
  encoding: Encoding,
  httpStatus: number,
  message: string,
): Buffer | string {
  const status = { code: grpcCodeFor(httpStatus), message };
  if (encoding === 'json') return JSON.stringify(status);
  return Buffer.from(Status.encode(Status.create(status)).finish());
}

const REJECTED_FIELD: Record<Signal, string> = {
  traces: 'rejectedSpans',
  logs: 'rejectedLogRecords',
  metrics: 'rejectedDataPoints',
};

/** The one OTLP success body, over HTTP and gRPC: empty, or the partial success of the rejected. */
export function successBody(
  signal: Signal,
  encoding: Encoding,
  { rejected, reasons: errorMessage }: Pick<Acceptance, 'rejected' | 'reasons'>,
): Buffer | string {
  const partialSuccess =
    rejected > 0 ? { [REJECTED_FIELD[signal]]: rejected, errorMessage } : undefined;
  if (encoding === 'json') {
    return JSON.stringify(
      partialSuccess
        ? { partialSuccess: { ...partialSuccess, [REJECTED_FIELD[signal]]: String(rejected) } }
        : {},
    );
  }
  const type = RESPONSE_TYPES[signal];
  return Buffer.from(
    type.encode(type.fromObject(partialSuccess ? { partialSuccess } : {})).finish(),
  );
}

export const CONTENT_TYPES: Record<Encoding, string> = {
  protobuf: 'application/x-protobuf',
  json: 'application/json',
};
