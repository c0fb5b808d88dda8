import {
  qualified,
  TABLE_SETTINGS,
  tableEngine,
  ttlClause,
  type DdlContext,
} from './ddl-context.ts';
import { TRACES_TABLE } from './traces.ts';

export const TRACE_SUMMARIES_TABLE = 'sightline_trace_summaries';
export const TRACE_SUMMARIES_VIEW = 'sightline_trace_summaries_mv';

/** Separates service, operation and status inside one of SpanKeys. */
export const SPAN_KEY_SEPARATOR = '\\x1f';

const spanKey = `concat(ServiceName, '${SPAN_KEY_SEPARATOR}', SpanName, '${SPAN_KEY_SEPARATOR}', StatusCode)`;

/**
 * The row one block of spans of a trace adds: every column is a SimpleAggregateFunction, so the
 * rows that batches arriving apart (late, out of order, split) add for one trace merge into one,
 * and a reader that aggregates again (min/max/sum/…Map per TraceId) gets the same answer before
 * and after the merge. A replayed batch with its deduplication token adds nothing: the view's
 * block is deduplicated with the spans' (deduplicate_blocks_in_dependent_materialized_views).
 */
const SUMMARY_SELECT = `SELECT TraceId,
    min(Timestamp) AS Start,
    max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration)) AS EndNs,
    count() AS SpanCount,
    countIf(StatusCode = 'Error') AS ErrorCount,
    countIf(ParentSpanId = '') AS RootCount,
    min((ParentSpanId != '', Timestamp, toString(ServiceName), toString(SpanName))) AS Root,
    groupUniqArray(toString(ServiceName)) AS Services,
    max(toUnixTimestamp64Nano(Timestamp)) AS LastStartNs,
    groupUniqArray(${spanKey}) AS SpanKeys`;

/**
 * One row per trace (once merged): its start and end, the start of its last span, span, error and
 * root counts, root span (or first span when the root never arrived), services, and every
 * (service, operation, status) its spans carry, which is what a trace search asks of spans unless
 * it filters on attributes. Sorted by trace id: a search finds the traces in its range by their
 * Start/EndNs, then reads their rows by primary key.
 */
export function traceSummariesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, TRACE_SUMMARIES_TABLE)} (
    TraceId String CODEC(ZSTD(1)),
    Start SimpleAggregateFunction(min, DateTime64(9)) CODEC(ZSTD(1)),
    EndNs SimpleAggregateFunction(max, Int64) CODEC(ZSTD(1)),
    SpanCount SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    ErrorCount SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    RootCount SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    Root SimpleAggregateFunction(min, Tuple(UInt8, DateTime64(9), String, String)) CODEC(ZSTD(1)),
    Services SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1)),
    LastStartNs SimpleAggregateFunction(max, Int64) CODEC(ZSTD(1)),
    SpanKeys SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1))
) ${tableEngine(ctx, 'AggregatingMergeTree')}
PARTITION BY toDate(Start)
ORDER BY (TraceId)
${ttlClause('Start', ctx.retention.tracesDays)}
${TABLE_SETTINGS}`;
}

export function traceSummariesView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualified(ctx, TRACE_SUMMARIES_VIEW)}
TO ${qualified(ctx, TRACE_SUMMARIES_TABLE)}
AS ${SUMMARY_SELECT}
FROM ${qualified(ctx, TRACES_TABLE)}
WHERE TraceId != ''
GROUP BY TraceId`;
}

/**
 * Summaries of the spans stored before the view existed. Runs only while the table is empty, so a
 * migration cut short after it and run again does not count those spans twice; migrations run
 * before ingest starts, so no span reaches both the view and this insert.
 */
export function backfillTraceSummaries(ctx: DdlContext): string {
  const table = qualified(ctx, TRACE_SUMMARIES_TABLE);
  return `INSERT INTO ${table}
${SUMMARY_SELECT}
FROM ${qualified(ctx, TRACES_TABLE)}
WHERE TraceId != '' AND (SELECT count() FROM ${table}) = 0
GROUP BY TraceId`;
}

/**
 * The merged summary of each trace, for a `SELECT … FROM sightline_trace_summaries GROUP BY
 * TraceId`: rows not merged yet (batches apart, parts apart) are combined here. `root` is the
 * earliest root span, or the earliest span when no root arrived (rootCount = 0).
 */
export const SUMMARY_COLUMNS = `TraceId AS traceId,
    toUnixTimestamp64Nano(min(Start)) AS startNs,
    max(EndNs) - startNs AS durationNs,
    sum(SpanCount) AS spanCount,
    arraySort(groupUniqArrayArray(Services)) AS services,
    sum(ErrorCount) AS errorCount,
    sum(RootCount) AS rootCount,
    min(Root) AS root,
    root.3 AS rootService,
    root.4 AS rootName,
    max(LastStartNs) AS lastStartNs,
    groupUniqArrayArray(SpanKeys) AS spanKeys`;

/** A row of SUMMARY_COLUMNS as JSON (Int64s arrive quoted), without root and spanKeys. */
export interface TraceSummaryRow {
  traceId: string;
  startNs: string;
  durationNs: string;
  spanCount: string;
  services: string[];
  errorCount: string;
  rootCount: string;
  rootService: string;
  rootName: string;
  lastStartNs: string;
}
