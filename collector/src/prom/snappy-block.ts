import { uncompressSync } from 'snappy';

/**
 * Snappy's block format (what remote write sends), decoded by the `snappy` package (the Rust
 * snap crate, which checks every element against the input and the declared length). Before it
 * runs, the declared length in the preamble is checked against `limit`, so a small body cannot
 * make it allocate more than the limit. snappyjs is not used to decode: it reads a literal
 * length whose top byte is ≥ 0x80 as a negative number and moves backwards, and a 9-byte body
 * made it loop for ever.
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

/** The uncompressed length the preamble declares: a varint of at most 32 bits. */
export function declaredLength(src: Uint8Array): number {
  let length = 0;
  for (let pos = 0, shift = 0; ; shift += 7) {
    if (pos >= src.length || shift > 28)
      throw new SnappyError('the uncompressed length (a varint) is cut short or too long');
    const b = src[pos++]!;
    length += (b & 0x7f) * 2 ** shift;
    if (b < 0x80) break;
  }
  if (length > 0xffffffff) throw new SnappyError('the uncompressed length exceeds 32 bits');
  return length;
}

export function snappyUncompress(src: Uint8Array, limit: number): Uint8Array {
  const length = declaredLength(src);
  if (length > limit)
    throw new SnappyError(`the uncompressed length of ${length} bytes exceeds ${limit}`, true);
  try {
    return uncompressSync(Buffer.from(src.buffer, src.byteOffset, src.byteLength), {
      asBuffer: true,
    }) as Buffer;
  } catch (err) {
    // "snappy: corrupt input (…)": the library names what it found.
    throw new SnappyError((err as Error).message.replace(/^snappy: /, ''));
  }
}
