import { batchSize, emptyBatch, type RowBatch } from '@sightline/model/rows';
import { mapLogs } from '../otlp/map-logs.ts';
import { mapMetrics } from '../otlp/map-metrics.ts';
import { mapTraces } from '../otlp/map-traces.ts';
import { REQUEST_TYPES, type Signal } from '../otlp/proto.ts';
import type { MapLimits } from '../otlp/values.ts';

export type DecodedMessage =
  | {
      readonly ok: true;
      readonly rows: RowBatch;
      readonly count: number;
      readonly rejected: number;
    }
  | { readonly ok: false; readonly reason: string };

const MESSAGE_NAMES: Record<Signal, string> = {
  traces: 'ExportTraceServiceRequest',
  logs: 'ExportLogsServiceRequest',
  metrics: 'ExportMetricsServiceRequest',
};

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
  const rows = emptyBatch();
  let rejected;
  try {
    if (signal === 'traces') {
      const m = mapTraces(request, limits);
      rows.spans = m.rows;
      rejected = m.rejected;
    } else if (signal === 'logs') {
      const m = mapLogs(request, limits);
      rows.logs = m.rows;
      rejected = m.rejected;
    } else {
      const m = mapMetrics(request, limits);
      Object.assign(rows, m.rows);
      rejected = m.rejected;
    }
  } catch (err) {
    return {
      ok: false,
      reason: `not a storable ${MESSAGE_NAMES[signal]}: ${(err as Error).message}`,
    };
  }
  const count = batchSize(rows);
  if (count === 0 && rejected.count > 0) {
    return { ok: false, reason: `nothing could be stored: ${rejected.message()}` };
  }
  return { ok: true, rows, count, rejected: rejected.count };
}
