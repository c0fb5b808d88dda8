import {
  qualified,
  TABLE_SETTINGS,
  tableEngine,
  ttlClause,
  type DdlContext,
} from './ddl-context.ts';
import { TRACES_TABLE } from './traces.ts';

export const RED_HISTOGRAM_TABLE = 'sightline_red_histogram_1m';
export const RED_HISTOGRAM_VIEW = 'sightline_red_histogram_1m_mv';

/**
 * Buckets per doubling of the duration: bucket k ≥ 1 holds durations in [2^((k−1)/16), 2^(k/16)) ns
 * (each 4.4 % wider than the one before), bucket 0 holds 0 ns. UInt16 keys reach 2^64 ns.
 */
export const BUCKETS_PER_DOUBLING = 16;

/** The bucket of a span's Duration (ns). */
export const BUCKET_SQL = `if(Duration = 0, toUInt16(0), toUInt16(1 + floor(${BUCKETS_PER_DOUBLING} * log2(Duration))))`;

const HISTOGRAM_SELECT = `SELECT ServiceName, SpanName, SpanKind, StatusCode,
    toDateTime(toStartOfMinute(Timestamp)) AS Minute,
    count() AS Requests,
    sumMap([${BUCKET_SQL}], [toUInt64(1)]) AS Latency`;

/**
 * Requests and a log-bucket latency histogram per service, operation, kind, status and minute.
 * Merging histograms is a sum of counts per bucket, where the t-digests of the `red_1m` projection
 * needed a digest merge per row: what a day of RED for every service spent its time on. Rows of
 * one key that arrive in different inserts are summed by the engine as parts merge, and a reader
 * sums again (sum, sumMap), so its answer is the same before and after. A replayed insert with its
 * deduplication token adds nothing: the view's block is deduplicated with the spans'.
 */
export function redHistogramTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, RED_HISTOGRAM_TABLE)} (
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    SpanName LowCardinality(String) CODEC(ZSTD(1)),
    SpanKind LowCardinality(String) CODEC(ZSTD(1)),
    StatusCode LowCardinality(String) CODEC(ZSTD(1)),
    Minute DateTime CODEC(Delta(4), ZSTD(1)),
    Requests SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    Latency SimpleAggregateFunction(sumMap, Tuple(Array(UInt16), Array(UInt64))) CODEC(ZSTD(1))
) ${tableEngine(ctx, 'AggregatingMergeTree')}
PARTITION BY toDate(Minute)
ORDER BY (ServiceName, Minute, SpanName, SpanKind, StatusCode)
${ttlClause('Minute', ctx.retention.tracesDays)}
${TABLE_SETTINGS}`;
}

export function redHistogramView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualified(ctx, RED_HISTOGRAM_VIEW)}
TO ${qualified(ctx, RED_HISTOGRAM_TABLE)}
AS ${HISTOGRAM_SELECT}
FROM ${qualified(ctx, TRACES_TABLE)}
GROUP BY ServiceName, SpanName, SpanKind, StatusCode, Minute`;
}

/**
 * Histograms of the spans stored before the view existed. Runs only while the table is empty, so a
 * migration cut short after it and run again does not count those spans twice; migrations run
 * before ingest starts, so no span reaches both the view and this insert.
 */
export function backfillRedHistogram(ctx: DdlContext): string {
  const table = qualified(ctx, RED_HISTOGRAM_TABLE);
  return `INSERT INTO ${table}
${HISTOGRAM_SELECT}
FROM ${qualified(ctx, TRACES_TABLE)}
WHERE (SELECT count() FROM ${table}) = 0
GROUP BY ServiceName, SpanName, SpanKind, StatusCode, Minute`;
}
