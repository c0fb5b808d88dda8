/**
 * Snappy's block format (what remote write sends), decoded with every length checked: the
 * output is allocated once at the declared length (refused above `limit`), every element must
 * fit in what remains of the input and the output, and the input position only moves forward,
 * so the work is linear in body + output whatever the bytes. snappyjs reads a literal length in
 * its top byte as a negative number and moves backwards: a 9-byte body made it loop for ever.
 */
export class SnappyError extends Error {
  constructor(
    message: string,
    /** The declared length is above the limit (a 413, not a malformed body). */
    readonly tooLarge = false,
  ) {
    super(message);
    this.name = 'SnappyError';
  }
}

const LITERAL = 0;
const COPY_1 = 1;
const COPY_2 = 2;

/** Little-endian unsigned integer of `n` bytes at `pos` (n ≤ 4, so exact in a double). */
function readLE(src: Uint8Array, pos: number, n: number): number {
  let v = 0;
  for (let i = n - 1; i >= 0; i--) v = v * 256 + src[pos + i]!;
  return v;
}

export function snappyUncompress(src: Uint8Array, limit: number): Uint8Array {
  // The preamble: the uncompressed length as a varint of at most 32 bits (5 bytes).
  let length = 0;
  let pos = 0;
  for (let shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28)
      throw new SnappyError('the uncompressed length (a varint) is cut short or too long');
    const b = src[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > 0xffffffff) throw new SnappyError('the uncompressed length exceeds 32 bits');
  if (length > limit)
    throw new SnappyError(`the uncompressed length of ${length} bytes exceeds ${limit}`, true);
  const out = new Uint8Array(length);
  let at = 0;
  while (pos < src.length) {
    const tag = src[pos++]!;
    const type = tag & 3;
    let len: number;
    let offset: number;
    if (type === LITERAL) {
      len = (tag >> 2) + 1;
      if (len > 60) {
        const n = len - 60;
        if (pos + n > src.length) throw new SnappyError(`a literal's length is cut short`);
        len = readLE(src, pos, n) + 1;
        pos += n;
      }
      if (pos + len > src.length) throw new SnappyError(`a literal of ${len} bytes is cut short`);
      if (at + len > length)
        throw new SnappyError(`the data runs past the declared length of ${length} bytes`);
      out.set(src.subarray(pos, pos + len), at);
      pos += len;
      at += len;
      continue;
    }
    const n = type === COPY_1 ? 1 : type === COPY_2 ? 2 : 4;
    if (pos + n > src.length) throw new SnappyError(`a copy's offset is cut short`);
    if (type === COPY_1) {
      len = ((tag >> 2) & 7) + 4;
      offset = ((tag >> 5) << 8) | src[pos]!;
    } else {
      len = (tag >> 2) + 1;
      offset = readLE(src, pos, n);
    }
    pos += n;
    if (offset === 0 || offset > at)
      throw new SnappyError(`a copy at byte ${at} refers to offset ${offset}, outside the data`);
    if (at + len > length)
      throw new SnappyError(`the data runs past the declared length of ${length} bytes`);
    // Byte by byte: a copy may overlap the bytes it writes (offset < len repeats a pattern).
    for (let i = 0; i < len; i++, at++) out[at] = out[at - offset]!;
  }
  if (at !== length) throw new SnappyError(`the data is ${at} bytes, not the declared ${length}`);
  return out;
}
