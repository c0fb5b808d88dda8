import { batchSize, type RowBatch } from '@sightline/model/rows';
import { MESSAGE_NAMES, REQUEST_TYPES, type Signal } from '../otlp/proto.ts';
import type { MapLimits } from '../otlp/values.ts';
import { toRows } from '../receive/to-rows.ts';

export type DecodedMessage =
  | {
      readonly ok: true;
      readonly rows: RowBatch;
      readonly count: number;
      readonly rejected: number;
    }
  | { readonly ok: false; readonly reason: string };

/**
 * A Kafka message (an OTLP protobuf export request) → rows. Items that cannot be stored are
 * dropped alone (receive already told the client); a message that cannot be decoded, or whose
 * every item is rejected, is not ok and carries the reason for the dead-letter topic.
 */
export function decodeMessage(
  signal: Signal,
  value: Buffer | null,
  limits: MapLimits,
): DecodedMessage {
  if (value === null) return { ok: false, reason: 'the message has no value' };
  let request: unknown;
  try {
    request = REQUEST_TYPES[signal].decode(value);
  } catch (err) {
    return {
      ok: false,
      reason: `not a valid protobuf ${MESSAGE_NAMES[signal]}: ${(err as Error).message}`,
    };
  }
  let mapped;
  try {
    mapped = toRows(signal, request, limits);
  } catch (err) {
    return {
      ok: false,
      reason: `not a storable ${MESSAGE_NAMES[signal]}: ${(err as Error).message}`,
    };
  }
  const { batch: rows, rejected } = mapped;
  const count = batchSize(rows);
  if (count === 0 && rejected.count > 0) {
    return { ok: false, reason: `nothing could be stored: ${rejected.message()}` };
  }
  return { ok: true, rows, count, rejected: rejected.count };
}
