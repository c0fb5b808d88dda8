import { SightlineError } from '@sightline/model/errors';
import { batchSize, emptyBatch, type RowBatch } from '@sightline/model/rows';
import { ItemError, type Rejections } from '../otlp/item-error.ts';
import { mapLogs } from '../otlp/map-logs.ts';
import { mapMetrics } from '../otlp/map-metrics.ts';
import { mapTraces } from '../otlp/map-traces.ts';
import type { Signal } from '../otlp/proto.ts';
import type { ReceiveAppOptions } from './app.ts';
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

/** What a request brought: the rows stored, and how many items were rejected and why. */
export interface Acceptance {
  readonly batch: RowBatch;
  readonly accepted: number;
  readonly rejected: number;
  /** The first few reasons, for the client ('' when nothing was rejected). */
  readonly reasons: string;
}

/**
 * The acceptance rule of every receiver (OTLP over HTTP and gRPC, Zipkin, remote write): the
 * request is mapped to rows; a request malformed as a whole, or whose every item was rejected
 * (here or by the conversion to OTLP, `converted`), is a 400 and nothing is submitted; otherwise
 * the accepted rows (if any) go to the sink, and this resolves once they are durable. The observer counts
 * the items of every request that was stored or refused for its items.
 */
export async function acceptRequest(
  { sink, limits, observer }: Pick<ReceiveAppOptions, 'sink' | 'limits' | 'observer'>,
  signal: Signal,
  request: unknown,
  converted?: Rejections,
): Promise<Acceptance> {
  let mapped: ReturnType<typeof toRows>;
  try {
    mapped = toRows(signal, request, limits);
  } catch (err) {
    if (err instanceof ItemError) throw new SightlineError('SL_ERR_BAD_REQUEST', 400, err.message);
    throw err;
  }
  const accepted = batchSize(mapped.batch);
  const rejected = (converted?.count ?? 0) + mapped.rejected.count;
  const reasons = [converted?.message(), mapped.rejected.message()].filter(Boolean).join('; ');
  if (accepted === 0 && rejected > 0) {
    observer?.items(signal, 0, rejected);
    throw new SightlineError('SL_ERR_BAD_REQUEST', 400, `nothing could be stored: ${reasons}`);
  }
  if (accepted > 0) await sink.submit(signal, request, mapped.batch);
  observer?.items(signal, accepted, rejected);
  return { batch: mapped.batch, accepted, rejected, reasons };
}

/**
 * For protocols without partial success (Zipkin, remote write): once the good items are stored,
 * a 400 names the bad ones (their clients do not retry a 400).
 */
export function refuseRejected(acceptance: Acceptance, items: string): void {
  if (acceptance.rejected === 0) return;
  throw new SightlineError(
    'SL_ERR_BAD_REQUEST',
    400,
    `${acceptance.reasons} (the other ${acceptance.accepted} ${items} were stored)`,
  );
}
