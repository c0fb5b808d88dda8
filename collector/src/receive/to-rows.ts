import { SightlineError } from '@sightline/model/errors';
import { batchSize, emptyBatch, type RowBatch } from '@sightline/model/rows';
import { ItemError, type Rejections } from '../otlp/item-error.ts';
import { mapLogs } from '../otlp/map-logs.ts';
import { mapMetrics } from '../otlp/map-metrics.ts';
import { mapTraces } from '../otlp/map-traces.ts';
import type { Signal } from '../otlp/proto.ts';
import { acceptedTimes, type MapLimits } from '../otlp/values.ts';

/**
 * Maps a decoded OTLP export request (protobufjs message or OTLP/JSON object) to store rows.
 * Shared by every receiver so OTLP/HTTP and OTLP/gRPC store identical rows for the same data.
 */
export function toRows(
  signal: Signal,
  request: unknown,
  limits: MapLimits,
): { batch: RowBatch; rejected: Rejections } {
  const batch = emptyBatch();
  if (limits.timeWindow) {
    limits = { ...limits, acceptedTimes: acceptedTimes(limits.timeWindow, signal, Date.now()) };
  }
  if (signal === 'traces') {
    const m = mapTraces(request, limits);
    batch.spans = m.rows;
    return { batch, rejected: m.rejected };
  }
  if (signal === 'logs') {
    const m = mapLogs(request, limits);
    batch.logs = m.rows;
    return { batch, rejected: m.rejected };
  }
  const m = mapMetrics(request, limits);
  return { batch: { ...batch, ...m.rows }, rejected: m.rejected };
}

/**
 * `toRows` plus the acceptance rule every receiver applies: a request that is malformed as a
 * whole, or whose every item was rejected, is a 400; otherwise the rejected items are reported
 * as a partial success and the rest is stored.
 */
export function acceptableRows(
  signal: Signal,
  request: unknown,
  limits: MapLimits,
): { batch: RowBatch; accepted: number; rejected: Rejections } {
  let mapped: ReturnType<typeof toRows>;
  try {
    mapped = toRows(signal, request, limits);
  } catch (err) {
    if (err instanceof ItemError) throw new SightlineError('SL_ERR_BAD_REQUEST', 400, err.message);
    throw err;
  }
  const accepted = batchSize(mapped.batch);
  if (accepted === 0 && mapped.rejected.count > 0) {
    throw new SightlineError(
      'SL_ERR_BAD_REQUEST',
      400,
      `nothing could be stored: ${mapped.rejected.message()}`,
    );
  }
  return { ...mapped, accepted };
}
