import { SightlineError } from '@sightline/model/errors';
import { decodeProtobufBody, unsnappy } from '../receive/decode-body.ts';
import { WriteRequest, type PromHistogram, type PromWriteRequest } from './remote-write-proto.ts';

/**
 * Checks the headers remote write 1.0 requires. A 2.0 sender (`proto=io.prometheus.write.v2.Request`)
 * gets the 415 the 2.0 spec prescribes for a message type the receiver does not take.
 */
export function checkWriteHeaders(
  contentType: string | undefined,
  contentEncoding: string | undefined,
): void {
  const [base = '', ...params] = (contentType ?? '').split(';').map((p) => p.trim().toLowerCase());
  const proto = params.find((p) => p.startsWith('proto='))?.slice('proto='.length);
  if (
    (base !== 'application/x-protobuf' && base !== '') ||
    (proto !== undefined && proto !== 'prometheus.writerequest')
  ) {
    throw new SightlineError(
      'SL_ERR_UNSUPPORTED_MEDIA_TYPE',
      415,
      `unsupported content type '${contentType ?? ''}': remote write takes application/x-protobuf (prometheus.WriteRequest, remote write 1.0)`,
    );
  }
  const enc = (contentEncoding ?? '').trim().toLowerCase();
  if (enc !== 'snappy') {
    throw new SightlineError(
      'SL_ERR_UNSUPPORTED_ENCODING',
      415,
      `unsupported content encoding '${enc}': remote write bodies are snappy-compressed (Content-Encoding: snappy)`,
    );
  }
}

type OneofHistogram = PromHistogram & { count?: string; zeroCount?: string };

function keepSentOneofs(h: OneofHistogram): void {
  if (h.count === 'countInt') delete h.countFloat;
  else delete h.countInt;
  if (h.zeroCount === 'zeroCountFloat') delete h.zeroCountInt;
  else delete h.zeroCountFloat;
  delete h.count;
  delete h.zeroCount;
}

/** A snappy (block format) compressed WriteRequest, never expanded beyond `limit` bytes. */
export function decodeWriteRequest(body: Buffer, limit: number): PromWriteRequest {
  // `defaults` keeps fields whose value is the proto3 default: a sample of 0 is sent without
  // its value field, and must still be a 0. It also fills both members of each oneof, so
  // `oneofs` names the member that was sent and the other is dropped.
  return decodeProtobufBody(unsnappy(body, limit), 'prometheus.WriteRequest', (raw) => {
    const req = WriteRequest.toObject(WriteRequest.decode(raw), {
      longs: String,
      enums: String,
      defaults: true,
      oneofs: true,
    }) as PromWriteRequest;
    for (const ts of req.timeseries ?? []) ts.histograms?.forEach(keepSentOneofs);
    return req;
  });
}
