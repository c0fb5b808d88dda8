import { deflateSync, gzipSync } from 'node:zlib';
import type { Signal } from '@sightline/collector/otlp/proto';
import type { Prng } from './prng.ts';
import { validJson, validProtobuf, validRequest } from './otlp-valid.ts';

/** One hostile request: `family` names the kind of damage, for the outcome matrix. */
export interface FuzzCase {
  readonly family: string;
  readonly signal: Signal;
  readonly headers: Record<string, string>;
  readonly body: Buffer;
}

const PROTO = { 'content-type': 'application/x-protobuf' };
const JSON_CT = { 'content-type': 'application/json' };
/** Items of mutated requests land under this service, apart from the counted valid stream. */
export const MUTATED_SERVICE = 'fuzz-mutated';

// Built once: 64 MiB of zeros gzip to ~64 KiB, the classic bomb.
let bomb: Buffer | undefined;
const gzipBomb = (): Buffer => (bomb ??= gzipSync(Buffer.alloc(64 * 1024 * 1024)));

/** An AnyValue nested `depth` levels, alternating arrays and key-value lists. */
export function deepAnyValue(depth: number): object {
  let v: object = { stringValue: 'bottom' };
  for (let i = 0; i < depth; i++) {
    v =
      i % 2 === 0
        ? { arrayValue: { values: [v] } }
        : { kvlistValue: { values: [{ key: `k${i}`, value: v }] } };
  }
  return v;
}

export const manyAttributes = (n: number): object[] =>
  Array.from({ length: n }, (_, i) => ({ key: `attr.${i}`, value: { stringValue: `v${i}` } }));

const HOSTILE_STRINGS = [
  '',
  '\u0000',
  '\ud800', // a lone surrogate: valid JSON escape, not valid Unicode
  '\udfff\ud800',
  "'; DROP TABLE sightline.otel_traces; --",
  '\\',
  '"',
  '__proto__',
  'constructor',
  '🦄'.repeat(100),
  '\u202e\u0645\u0631\u062d\u0628\u0627',
  'zz'.repeat(16),
  'abc',
  'g'.repeat(32),
  '0x10',
  '1e3',
  '-5',
  '99999999999999999999999999',
  '18446744073709551616',
  'NaN',
  'Infinity',
];

function hostileValue(rng: Prng): unknown {
  switch (rng.int(10)) {
    case 0:
      return rng.pick([42, -1, 1.5, 0, true, false, null, [], {}, [[[]]], { a: 1 }]);
    case 1:
      return rng.pick([1e308, -1e308, 2 ** 64, -(2 ** 63), Number.MAX_SAFE_INTEGER + 2, 1e-320]);
    case 2:
      // Deeper ones are written as text (damagedJsonBytes): JSON.stringify itself would overflow.
      return deepAnyValue(rng.pick([15, 16, 17, 18, 40, 300]));
    case 3:
      return manyAttributes(rng.pick([600, 10_000]));
    case 4:
      return { stringValue: 'x'.repeat(1 << 20) };
    case 5:
      return 'y'.repeat(rng.pick([40_000, 1 << 20]));
    default:
      return rng.pick(HOSTILE_STRINGS);
  }
}

type Slot = { parent: Record<string, unknown> | unknown[]; key: string | number };

/** Every replaceable position in a request, not descending into values a mutation nested deep. */
function slots(v: unknown, out: Slot[], depth = 0): Slot[] {
  if (depth > 24) return out;
  if (Array.isArray(v)) {
    v.forEach((x, i) => {
      out.push({ parent: v, key: i });
      slots(x, out, depth + 1);
    });
  } else if (typeof v === 'object' && v !== null) {
    for (const [k, x] of Object.entries(v)) {
      out.push({ parent: v as Record<string, unknown>, key: k });
      slots(x, out, depth + 1);
    }
  }
  return out;
}

/** A valid OTLP/JSON request with 1–3 fields replaced by hostile values. */
function mutatedJson(rng: Prng, signal: Signal): Buffer {
  const req = validRequest(signal, MUTATED_SERVICE, rng, 'hex');
  for (let n = 1 + rng.int(3); n > 0; n--) {
    const all = slots(req, []);
    const s = rng.pick(all);
    (s.parent as Record<string | number, unknown>)[s.key] = hostileValue(rng);
  }
  return Buffer.from(JSON.stringify(req));
}

const BAD_UTF8 = [
  [0xff],
  [0xc3, 0x28],
  [0xed, 0xa0, 0x80],
  [0xc0, 0xaf],
  [0xf4, 0x90, 0x80, 0x80],
  [0x80],
];

/** Byte-level damage to OTLP/JSON: invalid UTF-8 inside strings, truncation, stray bytes. */
function damagedJsonBytes(rng: Prng, signal: Signal): { family: string; body: Buffer } {
  const b = validJson(signal, MUTATED_SERVICE, rng);
  const kind = rng.int(5);
  if (kind === 0) {
    // Right after an opening quote, so the bad bytes sit inside a string.
    const quotes = [...b.keys()].filter((i) => b[i] === 0x22);
    const at = rng.pick(quotes) + 1;
    const bad = Buffer.from(rng.pick(BAD_UTF8));
    return {
      family: 'json invalid utf-8 in a string',
      body: Buffer.concat([b.subarray(0, at), bad, b.subarray(at)]),
    };
  }
  if (kind === 1) return { family: 'json truncated', body: b.subarray(0, rng.int(b.length)) };
  if (kind === 2) {
    const c = Buffer.from(b);
    for (let n = 1 + rng.int(4); n > 0; n--) c[rng.int(c.length)] = rng.int(256);
    return { family: 'json random byte changes', body: c };
  }
  if (kind === 3) {
    // An attribute value nested far past the depth limit, spliced in as text.
    const depth = rng.pick([2_000, 20_000]);
    const deep =
      '{"arrayValue":{"values":['.repeat(depth) + '{"stringValue":"x"}' + ']}}'.repeat(depth);
    const at = b.indexOf('"attributes":[') + '"attributes":['.length;
    return {
      family: 'json AnyValue nested past the limit',
      body: Buffer.concat([
        b.subarray(0, at),
        Buffer.from(`{"key":"deep","value":${deep}},`),
        b.subarray(at),
      ]),
    };
  }
  const depth = rng.pick([1000, 100_000]);
  return {
    family: 'json nested arrays as the body',
    body: Buffer.from('['.repeat(depth) + ']'.repeat(depth)),
  };
}

/** Protobuf damage: bit flips, truncation, corrupted lengths and tags, duplicated slices. */
function damagedProtobuf(rng: Prng, signal: Signal): { family: string; body: Buffer } {
  const b = Buffer.from(validProtobuf(signal, MUTATED_SERVICE, rng));
  switch (rng.int(7)) {
    case 0: {
      for (let n = 1 + rng.int(8); n > 0; n--) b[rng.int(b.length)]! ^= 1 << rng.int(8);
      return { family: 'protobuf bit flips', body: b };
    }
    case 1:
      return { family: 'protobuf truncated', body: b.subarray(0, rng.int(b.length)) };
    case 2: {
      // A length-delimited field's length replaced by a large or overlong varint.
      const tags = [...b.keys()].filter((i) => (b[i]! & 7) === 2 && i + 1 < b.length);
      const at = rng.pick(tags) + 1;
      const len = rng.pick([
        [0xff, 0xff, 0xff, 0xff, 0x0f],
        [0x7f],
        [0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x01],
      ]);
      return {
        family: 'protobuf corrupted length',
        body: Buffer.concat([b.subarray(0, at), Buffer.from(len), b.subarray(at + 1)]),
      };
    }
    case 3: {
      const from = rng.int(b.length);
      const slice = b.subarray(from, from + 1 + rng.int(64));
      const at = rng.int(b.length);
      return {
        family: 'protobuf duplicated slice',
        body: Buffer.concat([b.subarray(0, at), slice, b.subarray(at)]),
      };
    }
    case 4:
      // Concatenated messages merge in protobuf: a valid request with every field repeated.
      return { family: 'protobuf duplicated fields (message twice)', body: Buffer.concat([b, b]) };
    case 5: {
      b[rng.int(b.length)] = (rng.int(32) << 3) | rng.pick([0, 1, 2, 3, 4, 5, 6, 7]);
      return { family: 'protobuf corrupted tag / wire type', body: b };
    }
    default: {
      // Deep AnyValue nesting written by hand: AnyValue.array_value (5) → ArrayValue.values (1).
      // Length-delimited nesting has no suffix, so the message is every level's prefix (tag and
      // length, outermost first) then the innermost value: computed once, not re-copied per level.
      const inner = Buffer.from([0x0a, 0x01, 0x78]); // AnyValue{string_value: "x"}
      const depth = rng.pick([17, 200, 5_000, 50_000]);
      const prefixes: Buffer[] = [];
      let size = inner.length;
      for (let i = 0; i < depth; i++) {
        const arrLen = varint(size);
        const arrSize = 1 + arrLen.length + size;
        const anyLen = varint(arrSize);
        prefixes.push(Buffer.concat([Buffer.from([0x2a]), anyLen, Buffer.from([0x0a]), arrLen]));
        size = 1 + anyLen.length + arrSize;
      }
      const v = Buffer.concat([...prefixes.reverse(), inner]);
      // ExportLogsServiceRequest{resource_logs{scope_logs{log_records{body: v}}}}; for other
      // signals the same bytes are simply a wrong message.
      const record = Buffer.concat([Buffer.from([0x2a]), varint(v.length), v]);
      const scopeLogs = Buffer.concat([Buffer.from([0x12]), varint(record.length), record]);
      const resourceLogs = Buffer.concat([
        Buffer.from([0x12]),
        varint(scopeLogs.length),
        scopeLogs,
      ]);
      return {
        family: 'protobuf deeply nested AnyValue',
        body: Buffer.concat([Buffer.from([0x0a]), varint(resourceLogs.length), resourceLogs]),
      };
    }
  }
}

function varint(n: number): Buffer {
  const out: number[] = [];
  while (n > 0x7f) {
    out.push((n & 0x7f) | 0x80);
    n = Math.floor(n / 128);
  }
  out.push(n);
  return Buffer.from(out);
}

function compressionCase(rng: Prng, signal: Signal): FuzzCase {
  const valid = validJson(signal, MUTATED_SERVICE, rng);
  const gz = (family: string, body: Buffer, encoding = 'gzip'): FuzzCase => ({
    family,
    signal,
    headers: { ...JSON_CT, 'content-encoding': encoding },
    body,
  });
  switch (rng.int(8)) {
    case 0:
      return gz('gzip bomb (64 MiB of zeros)', gzipBomb());
    case 1:
      return gz('gzip of random bytes', rng.bytes(1 + rng.int(4096)));
    case 2: {
      const z = gzipSync(valid);
      return gz('gzip truncated', z.subarray(0, rng.int(z.length)));
    }
    case 3: {
      const z = Buffer.from(gzipSync(valid));
      z[z.length - 1 - rng.int(8)]! ^= 0xff; // CRC32 or length trailer
      return gz('gzip with a corrupt trailer', z);
    }
    case 4:
      return gz('gzip inside gzip', gzipSync(gzipSync(valid)));
    case 5:
      return gz('deflate, valid', deflateSync(valid), 'deflate');
    case 6:
      return gz('unknown content encoding', valid, rng.pick(['br', 'zstd', 'gzip, gzip', 'x']));
    default:
      return gz('gzip, valid', gzipSync(valid));
  }
}

/** The next hostile request: families weighted so each gets hundreds of cases in a run. */
export function fuzzCase(rng: Prng): FuzzCase {
  const signal = rng.pick(['traces', 'logs', 'metrics'] as const);
  const r = rng.int(100);
  if (r < 10) {
    const json = rng.chance(0.5);
    return {
      family: `random bytes as ${json ? 'JSON' : 'protobuf'}`,
      signal,
      headers: json ? JSON_CT : PROTO,
      body: rng.bytes(rng.int(2048)),
    };
  }
  if (r < 45) return { signal, headers: PROTO, ...damagedProtobuf(rng, signal) };
  if (r < 80)
    return {
      family: 'json hostile field values',
      signal,
      headers: JSON_CT,
      body: mutatedJson(rng, signal),
    };
  if (r < 90) return { signal, headers: JSON_CT, ...damagedJsonBytes(rng, signal) };
  if (r < 97) return compressionCase(rng, signal);
  return {
    family: 'odd content type',
    signal,
    headers: {
      'content-type': rng.pick([
        'text/plain',
        'application/json; charset=latin1',
        'application/x-protobuf; x=y',
        'multipart/form-data',
      ]),
    },
    body: validJson(signal, MUTATED_SERVICE, rng),
  };
}
