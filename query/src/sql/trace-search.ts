import type { ClickHouseClient } from '@clickhouse/client';
import type { TraceSummary } from '@sightline/model/api/traces';
import type { SearchParamValue } from '../search/compile.ts';
import type { TraceSearch } from './trace-search-params.ts';
import { ident } from '@sightline/store/schema/ddl-context';

export interface SqlQuery {
  readonly sql: string;
  readonly params: Record<string, SearchParamValue | readonly string[]>;
}

export interface TraceSearchPage {
  readonly traces: TraceSummary[];
  /** The sort key of the last trace returned, when more traces follow it. */
  readonly next: { readonly start: bigint; readonly traceId: string } | null;
}

const START_NS = 'toUnixTimestamp64Nano(Timestamp)';
const END_NS = `(${START_NS} + toInt64(Duration))`;

/**
 * One page of matching traces with their summaries, in one round trip.
 *
 * A trace matches when one of its spans that starts inside the range passes every span filter.
 * Its summary (start, duration, counts, root) covers ALL its spans, also those outside the range,
 * so it agrees with the trace view and the cursor stays consistent; the trace-id → time table
 * bounds that read to the partitions the matched traces live in. Ordering and the cursor apply
 * after grouping, which is what makes pages gap- and repeat-free: the key (start, id) is unique
 * and total. Summarising every matched trace before the LIMIT costs a few aggregate states per
 * trace; a second query for the page's summaries would cost another index lookup and scan. Ties
 * between spans starting at the same instant break on columns this read needs anyway (service,
 * name), not on SpanId, which only this tiebreak would read.
 * With `startsAfterNs`, only traces starting at or after it, found by their spans from it on.
 */
export function traceSearchSql(
  database: string,
  search: TraceSearch,
  startsAfterNs?: bigint,
): SqlQuery {
  const db = ident(database);
  const floor = startsAfterNs !== undefined && startsAfterNs > search.range.from;
  const params: Record<string, SearchParamValue> = {
    from: floor ? startsAfterNs : search.range.from,
    to: search.range.to,
    limit: search.limit + 1, // one more than asked: tells whether a next page exists
  };
  const spanFilters = ["TraceId != ''"];
  if (search.service !== undefined) {
    spanFilters.push('ServiceName = {service:String}');
    params.service = search.service;
  }
  if (search.hideServices !== undefined) {
    spanFilters.push('NOT match(ServiceName, {hideServices:String})');
    params.hideServices = search.hideServices;
  }
  if (search.operation !== undefined) {
    spanFilters.push('SpanName = {operation:String}');
    params.operation = search.operation;
  }
  if (search.status !== undefined) {
    spanFilters.push('StatusCode = {status:String}');
    params.status = search.status;
  }
  if (search.search !== null) {
    spanFilters.push(`(${search.search.sql})`);
    Object.assign(params, search.search.params);
  }
  const having: string[] = [];
  if (floor) {
    having.push('startNs >= {from:Int64}');
  }
  if (search.after) {
    having.push('(startNs, traceId) < ({afterStart:Int64}, {afterTrace:String})');
    params.afterStart = search.after.start;
    params.afterTrace = search.after.traceId;
  }
  if (search.minDurationNs !== undefined) {
    having.push('durationNs >= {minDuration:Int64}');
    params.minDuration = search.minDurationNs;
  }
  if (search.maxDurationNs !== undefined) {
    having.push('durationNs <= {maxDuration:Int64}');
    params.maxDuration = search.maxDurationNs;
  }
  // End is in whole seconds, hence `+ 1` (see trace-by-id.ts).
  const sql = `WITH matched AS (
    SELECT DISTINCT TraceId FROM ${db}.otel_traces
    WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64})
      AND Timestamp < fromUnixTimestamp64Nano({to:Int64})
      AND ${spanFilters.join('\n      AND ')}
  ),
  bounds AS (
    SELECT min(Start) AS lo, max(End) AS hi FROM ${db}.otel_traces_trace_id_ts WHERE TraceId IN matched
  )
  SELECT TraceId AS traceId,
    min(${START_NS}) AS startNs,
    max(${END_NS}) - startNs AS durationNs,
    count() AS spanCount,
    arraySort(groupUniqArray(ServiceName)) AS services,
    countIf(StatusCode = 'Error') AS errorCount,
    countIf(ParentSpanId = '') AS rootCount,
    minIf((Timestamp, ServiceName, SpanName), ParentSpanId = '') AS rootSpan,
    rootSpan.2 AS rootService,
    rootSpan.3 AS rootName,
    min((Timestamp, ServiceName, SpanName)) AS firstSpan,
    firstSpan.2 AS firstService,
    firstSpan.3 AS firstName
  FROM ${db}.otel_traces
  WHERE TraceId IN matched
    AND Timestamp >= (SELECT lo FROM bounds)
    AND Timestamp <= (SELECT hi FROM bounds) + 1
  GROUP BY TraceId
  ${having.length > 0 ? `HAVING ${having.join(' AND ')}` : ''}
  ORDER BY startNs DESC, traceId DESC
  LIMIT {limit:UInt32}`;
  return { sql, params };
}

interface SummaryRow {
  traceId: string;
  /** Int64s arrive quoted (the reader's JSON settings). */
  startNs: string;
  durationNs: string;
  spanCount: string;
  services: string[];
  errorCount: string;
  rootCount: string;
  rootService: string;
  rootName: string;
  firstService: string;
  firstName: string;
}

async function rows<T>(client: ClickHouseClient, q: SqlQuery): Promise<T[]> {
  const rs = await client.query({ query: q.sql, query_params: q.params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** The first window looked at is this part of the range; each next one is WIDEN times wider. */
const FIRST_WINDOW = 64n;
const WIDEN = 4n;

/**
 * Newest traces first, looked for in widening windows: the traces that START at or after a
 * window's beginning are all found by the spans in that window (a trace's spans start no earlier
 * than the trace), so when one window holds a page of them, those are the page, and older spans
 * need not be read. At 10M spans over 24 h, summarising every trace with an error span of the
 * day took seconds where the newest hour's took a fraction of a second.
 */
export async function searchTraces(
  client: ClickHouseClient,
  database: string,
  search: TraceSearch,
): Promise<TraceSearchPage> {
  const { from, to } = search.range;
  const newest = search.after && search.after.start < to ? search.after.start + 1n : to;
  let width = (to - from) / FIRST_WINDOW || 1n;
  let found: SummaryRow[];
  for (;;) {
    const start = newest - width;
    found = await rows<SummaryRow>(client, traceSearchSql(database, search, start));
    if (start <= from || found.length > search.limit) break;
    width *= WIDEN;
  }
  const more = found.length > search.limit;
  const page = more ? found.slice(0, search.limit) : found;
  const traces = page.map((s): TraceSummary => {
    const hasRoot = Number(s.rootCount) > 0;
    return {
      traceId: s.traceId,
      rootServiceName: hasRoot ? s.rootService : s.firstService,
      rootName: hasRoot ? s.rootName : s.firstName,
      rootSpanMissing: !hasRoot,
      startTimeUnixNano: s.startNs,
      durationNano: s.durationNs,
      spanCount: Number(s.spanCount),
      services: s.services,
      errorCount: Number(s.errorCount),
    };
  });
  const last = page[page.length - 1];
  return {
    traces,
    next: more && last ? { start: BigInt(last.startNs), traceId: last.traceId } : null,
  };
}
