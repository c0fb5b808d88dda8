/**
 * The first and last second of one trace (`{id:String}`), from the trace-id → time table, as a
 * `WITH` clause naming the tuple `bounds`. Reads on otel_traces keep `Timestamp >= bounds.1 AND
 * Timestamp <= bounds.2 + 1` (End is whole seconds, hence `+ 1`: `+ INTERVAL 1 SECOND` on this
 * Nullable tuple element matched no rows in ClickHouse 26.7, the plain addition does), which
 * narrows the read to the partitions the trace lives in however much the store holds.
 */
export const traceBoundsWith = (db: string): string =>
  `WITH (SELECT (min(Start), max(End)) FROM ${db}.otel_traces_trace_id_ts WHERE TraceId = {id:String}) AS bounds`;

/** The span read of a trace inside its bounds. */
export const SPANS_IN_BOUNDS = 'Timestamp >= bounds.1 AND Timestamp <= bounds.2 + 1';

/**
 * The log read of a trace inside its bounds, widened by an hour each way for clock skew and logs
 * written after a span ended; TimestampTime is what otel_logs is partitioned and sorted on. A
 * trace without spans has no bounds (min and max of nothing are the epoch): its logs are then
 * found by the trace-id index alone.
 */
export const LOGS_IN_BOUNDS = `(toUnixTimestamp(bounds.2) = 0
  OR (TimestampTime >= bounds.1 - 3600 AND TimestampTime <= bounds.2 + 3600))`;
