import { promisify } from 'node:util';
import { gunzip, inflate } from 'node:zlib';
import { parse as parseLossless } from 'lossless-json';
import { SightlineError } from '@sightline/model/errors';
import { MESSAGE_NAMES, REQUEST_TYPES, type Signal } from '../otlp/proto.ts';
import { snappyUncompress, SnappyError } from '../prom/snappy-block.ts';

// The one body decoder of every receiver (OTLP over HTTP and gRPC, Zipkin, remote write): media
// type, content encoding, JSON and protobuf, each failure mapped to the same 4xx.

const gunzipAsync = promisify(gunzip);
const inflateAsync = promisify(inflate);

export type Encoding = 'protobuf' | 'json';

/**
 * A body's media type, protobuf or JSON; another is a 415 whose message ends with `hint`. A body
 * without a content type is JSON when `noneIsJson` (Zipkin's own server reads it so).
 */
export function mediaTypeOf(
  contentType: string | undefined,
  hint = 'send application/x-protobuf or application/json',
  noneIsJson = false,
): Encoding {
  const base = (contentType ?? '').split(';')[0]!.trim().toLowerCase();
  if (base === 'application/x-protobuf' || base === 'application/protobuf') return 'protobuf';
  if (base === 'application/json' || (noneIsJson && base === '')) return 'json';
  throw new SightlineError(
    'SL_ERR_UNSUPPORTED_MEDIA_TYPE',
    415,
    `unsupported content type '${base}': ${hint}`,
  );
}

/** OTLP/HTTP's media types. */
export const encodingOf = (contentType: string | undefined): Encoding => mediaTypeOf(contentType);

const tooLarge = (limit: number) =>
  new SightlineError('SL_ERR_BODY_TOO_LARGE', 413, `the decompressed body exceeds ${limit} bytes`);

const badCoding = (name: string, err: unknown) =>
  new SightlineError(
    'SL_ERR_BAD_ENCODING',
    400,
    `the body is not valid ${name}: ${(err as Error).message}`,
  );

/** Snappy's block format (remote write), never expanded beyond `limit` bytes. */
export function unsnappy(body: Uint8Array, limit: number): Uint8Array {
  try {
    return snappyUncompress(body, limit);
  } catch (err) {
    if (!(err instanceof SnappyError)) throw err;
    if (err.tooLarge) throw tooLarge(limit);
    throw badCoding('snappy (block format)', err);
  }
}

/**
 * Undoes Content-Encoding, never producing more than `limit` bytes (a small gzip can expand
 * hugely): gzip, deflate or identity.
 */
export async function decompress(
  body: Buffer,
  contentEncoding: string | undefined,
  limit: number,
): Promise<Buffer> {
  const enc = (contentEncoding ?? 'identity').trim().toLowerCase();
  try {
    if (enc === 'identity' || enc === '') return body;
    if (enc === 'gzip') return await gunzipAsync(body, { maxOutputLength: limit });
    if (enc === 'deflate') return await inflateAsync(body, { maxOutputLength: limit });
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ERR_BUFFER_TOO_LARGE') throw tooLarge(limit);
    throw badCoding(enc, err);
  }
  throw new SightlineError(
    'SL_ERR_UNSUPPORTED_ENCODING',
    415,
    `unsupported content encoding '${enc}': send gzip, deflate or identity`,
  );
}

/** A UTF-8 JSON body; `what` names the expected content in the 400 ("OTLP/JSON", "JSON"). */
export function parseJsonBody(
  body: Uint8Array,
  what: string,
  parse: (text: string) => unknown = JSON.parse,
): unknown {
  try {
    return parse(new TextDecoder('utf-8', { fatal: true }).decode(body));
  } catch (err) {
    throw new SightlineError(
      'SL_ERR_BAD_JSON',
      400,
      `the body is not valid ${what}: ${(err as Error).message}`,
    );
  }
}

/** A protobuf body decoded by `decode`; a failure is a 400 naming the message type. */
export function decodeProtobufBody<T>(
  body: Uint8Array,
  messageName: string,
  decode: (body: Uint8Array) => T,
): T {
  try {
    return decode(body);
  } catch (err) {
    throw new SightlineError(
      'SL_ERR_BAD_PROTOBUF',
      400,
      `the body is not a valid protobuf ${messageName}: ${(err as Error).message}`,
    );
  }
}

// A JSON number of 16 or more digits may be past 2^53, where JSON.parse rounds it.
const LONG_NUMBER = /[:[,]\s*-?\d{16}/;

/**
 * OTLP/JSON allows int64 fields as numbers (the JavaScript exporter writes attribute values that
 * way), and an int64 or a nanosecond time past 2^53 would lose its last digits in JSON.parse. Such
 * bodies are parsed again keeping every integer beyond 2^53 as its decimal text, which the OTLP
 * mapping reads like the proto3 JSON string form.
 */
export function parseOtlpJson(text: string): unknown {
  const parsed: unknown = JSON.parse(text);
  if (!LONG_NUMBER.test(text)) return parsed;
  return parseLossless(text, undefined, (digits: string) => {
    const n = Number(digits);
    if (Number.isSafeInteger(n) || !INTEGER.test(digits)) return n;
    // JavaScript writes a double such as -2^63 in its shortest form, -9223372036854776000, which
    // is outside the 64-bit range; the value meant is the double's own.
    const big = BigInt(digits);
    return big < INT64_MIN || big > UINT64_MAX ? String(BigInt(n)) : digits;
  });
}

const INTEGER = /^-?\d+$/;
const INT64_MIN = -(2n ** 63n);
const UINT64_MAX = 2n ** 64n - 1n;

export function decodeRequest(signal: Signal, encoding: Encoding, body: Buffer): unknown {
  if (encoding === 'protobuf') {
    return decodeProtobufBody(body, MESSAGE_NAMES[signal], (b) => REQUEST_TYPES[signal].decode(b));
  }
  const parsed = parseJsonBody(body, 'OTLP/JSON', parseOtlpJson);
  if (typeof parsed !== 'object' || parsed === null || Array.isArray(parsed)) {
    throw new SightlineError(
      'SL_ERR_BAD_JSON',
      400,
      `the body must be a JSON object (${MESSAGE_NAMES[signal]})`,
    );
  }
  return parsed;
}
