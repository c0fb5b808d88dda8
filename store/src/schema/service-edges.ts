import {
  qualified,
  TABLE_SETTINGS,
  tableEngine,
  ttlClause,
  type DdlContext,
} from './ddl-context.ts';
import { TRACES_TABLE } from './traces.ts';

/** Caller → callee calls per minute, for the pairs whose parent and child arrived together. */
export const SERVICE_EDGES_TABLE = 'sightline_service_edges';
export const SERVICE_EDGES_VIEW = 'sightline_service_edges_mv';
/** Child spans whose parent span was not in their insert: paired with it when read. */
export const EDGE_ORPHANS_TABLE = 'sightline_service_edge_orphans';
export const EDGE_ORPHANS_VIEW = 'sightline_service_edge_orphans_mv';

/** The percentile the service map shows, exact (as RED's): the state keeps every duration, 8 B a call. */
export const EDGE_QUANTILE_FN = 'quantileExactInclusive';
export const EDGE_QUANTILE_LEVEL = '(0.95)';
const EDGE_QUANTILE = `${EDGE_QUANTILE_FN}${EDGE_QUANTILE_LEVEL}`;

/**
 * Each span of an insert in two halves: as a parent under its own SpanId, and as a child under its
 * ParentSpanId. Grouped by (TraceId, that id), a group holds a parent span (or not) and all of its
 * children that came in the same insert. A view runs this on one insert at a time, so a child
 * whose parent came in another insert (before or after) lands in a group without a parent: that
 * child goes to the orphans table, and a reader pairs it with its parent from the spans. Every
 * child is counted once, either way; a replayed insert is deduplicated with the spans' block
 * (deduplicate_blocks_in_dependent_materialized_views).
 */
const HALVES = `SELECT TraceId, half.1 AS Id,
      countIf(half.2 = 1) AS parents,
      maxIf(toString(ServiceName), half.2 = 1) AS caller,
      maxIf(SpanAttributes['circuit_breaker.name'], half.2 = 1) AS breaker,
      groupArrayIf((Timestamp, toString(ServiceName), StatusCode = 'Error', Duration), half.2 = 0)
        AS children
    FROM {spans}
    ARRAY JOIN arrayFilter(h -> h.1 != '', [(SpanId, 1), (ParentSpanId, 0)]) AS half
    WHERE TraceId != ''
    GROUP BY TraceId, Id`;

function edgesSelect(spans: string): string {
  return `SELECT toStartOfMinute(child.1) AS Minute, caller AS Caller, child.2 AS Callee,
    count() AS Calls, countIf(child.3) AS Errors, sum(child.4) AS DurationSum,
    ${EDGE_QUANTILE_FN}State${EDGE_QUANTILE_LEVEL}(child.4) AS Duration,
    groupUniqArrayIf(breaker, breaker != '') AS Breakers
  FROM (${HALVES.replace('{spans}', spans)})
  ARRAY JOIN children AS child
  WHERE parents > 0 AND child.2 != caller
  GROUP BY Minute, Caller, Callee`;
}

function orphansSelect(spans: string): string {
  return `SELECT TraceId, Id AS ParentSpanId, child.1 AS Timestamp, child.2 AS ServiceName,
    child.3 AS Error, child.4 AS Duration
  FROM (${HALVES.replace('{spans}', spans)})
  ARRAY JOIN children AS child
  WHERE parents = 0`;
}

/**
 * One row per (minute of the child span's start, caller, callee) once merged: calls, errors, the
 * sum of the callee spans' durations (ns), their t-digest, and the caller's circuit breakers.
 */
export function serviceEdgesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, SERVICE_EDGES_TABLE)} (
    Minute DateTime CODEC(Delta, ZSTD(1)),
    Caller LowCardinality(String) CODEC(ZSTD(1)),
    Callee LowCardinality(String) CODEC(ZSTD(1)),
    Calls SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    Errors SimpleAggregateFunction(sum, UInt64) CODEC(T64, ZSTD(1)),
    DurationSum SimpleAggregateFunction(sum, UInt64) CODEC(ZSTD(1)),
    Duration AggregateFunction(${EDGE_QUANTILE}, UInt64) CODEC(ZSTD(1)),
    Breakers SimpleAggregateFunction(groupUniqArrayArray, Array(String)) CODEC(ZSTD(1))
) ${tableEngine(ctx, 'AggregatingMergeTree')}
PARTITION BY toDate(Minute)
ORDER BY (Minute, Caller, Callee)
${ttlClause('Minute', ctx.retention.tracesDays)}
${TABLE_SETTINGS}`;
}

/** Child spans waiting for their parent: a few per cent of spans when traces arrive in one piece. */
export function edgeOrphansTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, EDGE_ORPHANS_TABLE)} (
    TraceId String CODEC(ZSTD(1)),
    ParentSpanId String CODEC(ZSTD(1)),
    Timestamp DateTime64(9) CODEC(Delta, ZSTD(1)),
    ServiceName LowCardinality(String) CODEC(ZSTD(1)),
    Error Bool CODEC(ZSTD(1)),
    Duration UInt64 CODEC(T64, ZSTD(1))
) ${tableEngine(ctx, 'MergeTree')}
PARTITION BY toDate(Timestamp)
ORDER BY (toStartOfMinute(Timestamp), TraceId)
${ttlClause('toDateTime(Timestamp)', ctx.retention.tracesDays)}
${TABLE_SETTINGS}`;
}

export function serviceEdgesView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualified(ctx, SERVICE_EDGES_VIEW)}
TO ${qualified(ctx, SERVICE_EDGES_TABLE)}
AS ${edgesSelect(qualified(ctx, TRACES_TABLE))}`;
}

export function edgeOrphansView(ctx: DdlContext): string {
  return `CREATE MATERIALIZED VIEW IF NOT EXISTS ${qualified(ctx, EDGE_ORPHANS_VIEW)}
TO ${qualified(ctx, EDGE_ORPHANS_TABLE)}
AS ${orphansSelect(qualified(ctx, TRACES_TABLE))}`;
}

/**
 * The edges of the spans stored before the views existed, paired over the whole table at once (so
 * only children whose parent never arrived become orphans). Runs only while both tables are empty,
 * so a migration cut short and run again counts nothing twice; migrations run before ingest starts.
 */
export function backfillServiceEdges(ctx: DdlContext): string[] {
  const empty = (table: string) => `(SELECT count() FROM ${qualified(ctx, table)}) = 0`;
  const spans = (guard: string) => `(SELECT * FROM ${qualified(ctx, TRACES_TABLE)} WHERE ${guard})`;
  const edgesEmpty = empty(SERVICE_EDGES_TABLE);
  return [
    // Orphans first, while the edges are still empty: a re-run after the edges' insert skips both.
    `INSERT INTO ${qualified(ctx, EDGE_ORPHANS_TABLE)}
    ${orphansSelect(spans(`${edgesEmpty} AND ${empty(EDGE_ORPHANS_TABLE)}`))}`,
    `INSERT INTO ${qualified(ctx, SERVICE_EDGES_TABLE)} ${edgesSelect(spans(edgesEmpty))}`,
  ];
}
