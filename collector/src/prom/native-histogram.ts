import { ItemError } from '../otlp/item-error.ts';
import type { PromBucketSpan, PromHistogram } from './remote-write-proto.ts';

/** One side (positive or negative) of an OTLP exponential histogram data point. */
export interface ExpBuckets {
  offset: number;
  bucketCounts: string[];
}

/** The buckets of one side that were sent: OTLP indexes, strictly increasing, and their counts. */
interface Sparse {
  indexes: number[];
  counts: number[];
}

/**
 * A few bytes of spans can describe millions of empty buckets, which OTLP's dense list would
 * hold one by one. A side may fill at most this many empty buckets beyond twice the buckets sent;
 * past that the histogram is downscaled, so work and memory stay proportional to the body.
 */
export const MAX_EMPTY_BUCKETS = 160;

const count = (v: number): string => String(Math.max(0, Math.round(v)));

/**
 * Prometheus sparse buckets (spans of consecutive indexes; integer counts as deltas from the
 * previous bucket, or absolute float counts) → (index, count) pairs. Prometheus bucket k covers
 * (base^(k-1), base^k], OTLP bucket i covers (base^i, base^(i+1)]: i = k - 1.
 */
function sparseBuckets(
  schema: number,
  spans: readonly PromBucketSpan[] | undefined,
  deltas: readonly string[] | undefined,
  floats: readonly number[] | undefined,
  path: string,
): Sparse {
  const values: number[] = [];
  if (deltas && deltas.length > 0) {
    let c = 0;
    for (const d of deltas) {
      c += Number(d);
      values.push(c);
    }
  } else if (floats) {
    values.push(...floats);
  }
  const out: Sparse = { indexes: [], counts: [] };
  let index = 0;
  for (const [s, span] of (spans ?? []).entries()) {
    const length = span.length ?? 0;
    const offset = span.offset ?? 0;
    if (s > 0 && offset < 0)
      throw new ItemError(`${path}.spans[${s}]`, 'offset must not be negative');
    index = s === 0 ? offset - 1 : index + offset;
    const start = index;
    // Bounded by the counts sent, whatever `length` claims.
    for (let i = 0; i < length; i++) {
      const value = values[out.counts.length];
      if (value === undefined)
        throw new ItemError(path, 'the spans cover more buckets than there are counts');
      out.indexes.push(index++);
      out.counts.push(value);
    }
    // As for OTLP: bucket i's bounds are 2^(i·2^-schema), which must be finite, non-zero doubles.
    if (start * 2 ** -schema < -1074 || index * 2 ** -schema >= 1024)
      throw new ItemError(
        `${path}.spans[${s}].offset`,
        `puts buckets ${start + 1} to ${index} beyond what a double holds at schema ${schema}`,
      );
  }
  if (out.counts.length !== values.length)
    throw new ItemError(path, 'there are more counts than the spans cover');
  return out;
}

const span = (b: Sparse): number =>
  b.indexes.length === 0 ? 0 : b.indexes[b.indexes.length - 1]! - b.indexes[0]! + 1;
const tooWide = (b: Sparse): boolean => span(b) > 2 * b.indexes.length + MAX_EMPTY_BUCKETS;

/** Halves the resolution: buckets 2j and 2j+1 become bucket j of the scale below. */
function downscale(b: Sparse): Sparse {
  const out: Sparse = { indexes: [], counts: [] };
  for (let i = 0; i < b.indexes.length; i++) {
    const index = Math.floor(b.indexes[i]! / 2);
    const last = out.indexes.length - 1;
    if (out.indexes[last] === index) out.counts[last]! += b.counts[i]!;
    else {
      out.indexes.push(index);
      out.counts.push(b.counts[i]!);
    }
  }
  return out;
}

function dense(b: Sparse): ExpBuckets {
  const first = b.indexes[0];
  if (first === undefined) return { offset: 0, bucketCounts: [] };
  const bucketCounts: string[] = new Array<string>(span(b)).fill('0');
  for (let i = 0; i < b.indexes.length; i++)
    bucketCounts[b.indexes[i]! - first] = count(b.counts[i]!);
  return { offset: first, bucketCounts };
}

/** Both sides at one scale, downscaled until neither has more empty buckets than allowed. */
function denseSides(
  scale: number,
  positive: Sparse,
  negative: Sparse,
): { scale: number; positive: ExpBuckets; negative: ExpBuckets } {
  // Each step halves the index range, at most 2098·2^schema buckets wide (the doubles): the loop
  // ends within 12 steps, at schema -4 or above.
  while (tooWide(positive) || tooWide(negative)) {
    positive = downscale(positive);
    negative = downscale(negative);
    scale--;
  }
  return { scale, positive: dense(positive), negative: dense(negative) };
}

/** One side at schema 0 as OTLP's dense list (no downscaling). */
export function denseBuckets(
  spans: readonly PromBucketSpan[] | undefined,
  deltas: readonly string[] | undefined,
  floats: readonly number[] | undefined,
  path: string,
): ExpBuckets {
  return dense(sparseBuckets(0, spans, deltas, floats, path));
}

/** A native histogram → an OTLP exponential histogram data point (without attributes). */
export function exponentialPoint(h: PromHistogram, timeUnixNano: string, path: string) {
  const schema = h.schema ?? 0;
  // -53 is the custom-bucket schema (explicit bounds), which has no exponential counterpart.
  if (schema < -4 || schema > 8)
    throw new ItemError(
      `${path}.schema`,
      `schema ${schema} is not an exponential schema (-4 to 8)`,
    );
  const isFloat = h.countFloat !== undefined;
  const sides = denseSides(
    schema,
    sparseBuckets(
      schema,
      h.positiveSpans,
      isFloat ? undefined : h.positiveDeltas,
      isFloat ? h.positiveCounts : undefined,
      `${path}.positive`,
    ),
    sparseBuckets(
      schema,
      h.negativeSpans,
      isFloat ? undefined : h.negativeDeltas,
      isFloat ? h.negativeCounts : undefined,
      `${path}.negative`,
    ),
  );
  return {
    timeUnixNano,
    count: isFloat ? count(h.countFloat ?? 0) : (h.countInt ?? '0'),
    sum: h.sum ?? 0,
    scale: sides.scale,
    zeroCount: h.zeroCountFloat !== undefined ? count(h.zeroCountFloat) : (h.zeroCountInt ?? '0'),
    positive: sides.positive,
    negative: sides.negative,
  };
}
