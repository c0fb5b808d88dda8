import { ItemError } from '../otlp/item-error.ts';
import type { PromBucketSpan, PromHistogram } from './remote-write-proto.ts';

/** One side (positive or negative) of an OTLP exponential histogram data point. */
export interface ExpBuckets {
  offset: number;
  bucketCounts: string[];
}

const count = (v: number): string => String(Math.max(0, Math.round(v)));

/**
 * Prometheus sparse buckets (spans of consecutive indexes; integer counts as deltas from the
 * previous bucket, or absolute float counts) → OTLP's dense bucket list. Prometheus bucket k
 * covers (base^(k-1), base^k], OTLP bucket i covers (base^i, base^(i+1)]: i = k - 1.
 */
export function denseBuckets(
  spans: readonly PromBucketSpan[] | undefined,
  deltas: readonly string[] | undefined,
  floats: readonly number[] | undefined,
  path: string,
): ExpBuckets {
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
  const counts: string[] = [];
  let first: number | undefined;
  let index = 0;
  let v = 0;
  for (const [s, span] of (spans ?? []).entries()) {
    const length = span.length ?? 0;
    const offset = span.offset ?? 0;
    index = s === 0 ? offset : index + offset;
    if (s > 0 && offset < 0)
      throw new ItemError(`${path}.spans[${s}]`, 'offset must not be negative');
    if (first === undefined) first = index;
    else for (let gap = 0; gap < offset; gap++) counts.push('0');
    for (let i = 0; i < length; i++) {
      const value = values[v++];
      if (value === undefined)
        throw new ItemError(path, 'the spans cover more buckets than there are counts');
      counts.push(count(value));
    }
    index += length;
  }
  if (v !== values.length) throw new ItemError(path, 'there are more counts than the spans cover');
  return { offset: first === undefined ? 0 : first - 1, bucketCounts: counts };
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
  return {
    timeUnixNano,
    count: isFloat ? count(h.countFloat ?? 0) : (h.countInt ?? '0'),
    sum: h.sum ?? 0,
    scale: schema,
    zeroCount: h.zeroCountFloat !== undefined ? count(h.zeroCountFloat) : (h.zeroCountInt ?? '0'),
    positive: denseBuckets(
      h.positiveSpans,
      isFloat ? undefined : h.positiveDeltas,
      isFloat ? h.positiveCounts : undefined,
      `${path}.positive`,
    ),
    negative: denseBuckets(
      h.negativeSpans,
      isFloat ? undefined : h.negativeDeltas,
      isFloat ? h.negativeCounts : undefined,
      `${path}.negative`,
    ),
  };
}
