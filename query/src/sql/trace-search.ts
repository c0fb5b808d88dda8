import type { ClickHouseClient } from '@clickhouse/client';
import type { TraceSummary } from '@sightline/model/api/traces';
import type { SearchParamValue } from '../search/compile.ts';
import type { TraceSearch } from './trace-search-params.ts';
import { ident } from '@sightline/store/schema/ddl-context';
import {
  SPAN_KEY_SEPARATOR,
  SUMMARY_COLUMNS,
  TRACE_SUMMARIES_TABLE,
  type TraceSummaryRow,
} from '@sightline/store/schema/trace-summaries';

export interface SqlQuery {
  readonly sql: string;
  readonly params: Record<string, SearchParamValue | readonly string[]>;
}

export interface TraceSearchPage {
  readonly traces: TraceSummary[];
  /** The sort key of the last trace returned, when more traces follow it. */
  readonly next: { readonly start: bigint; readonly traceId: string } | null;
}

/**
 * One page of matching traces with their summaries, in one round trip, read from the trace
 * summaries (one row per trace once merged, kept at ingest) rather than from the spans.
 *
 * A trace matches when one of its spans that starts inside the range passes every span filter.
 * Service, operation and status are answered by the summaries' (service, operation, status) keys
 * for the traces whose spans all start inside the range; the few that reach out of it (at its
 * edges) are checked against their spans. A free-text / attribute query `q` is a predicate over
 * one span: then the spans give the trace ids. The page is chosen on start and duration alone, and
 * only its traces are then summarised in full (services, counts, root), which is what keeps a day
 * of traces cheap. The summary covers ALL spans of a trace, also those outside the range, so it
 * agrees with the trace view and the cursor stays consistent. Ordering and the cursor apply after
 * grouping, which is what makes pages gap- and repeat-free: the key (start, id) is unique and
 * total.
 */
export function traceSearchSql(database: string, search: TraceSearch): SqlQuery {
  const db = ident(database);
  const summaries = `${db}.${TRACE_SUMMARIES_TABLE}`;
  const params: Record<string, SearchParamValue> = {
    from: search.range.from,
    to: search.range.to,
    limit: search.limit + 1, // one more than asked: tells whether a next page exists
  };
  const spanFilters = ["TraceId != ''"];
  const filter = (value: string | undefined, column: string, name: string) => {
    if (value === undefined) return;
    spanFilters.push(`${column} = {${name}:String}`);
    params[name] = value;
  };
  filter(search.service, 'ServiceName', 'service');
  filter(search.operation, 'SpanName', 'operation');
  filter(search.status, 'StatusCode', 'status');
  if (search.hideServices !== undefined) {
    spanFilters.push('NOT match(ServiceName, {hideServices:String})');
    params.hideServices = search.hideServices;
  }
  if (search.search !== null) {
    spanFilters.push(`(${search.search.sql})`);
    Object.assign(params, search.search.params);
  }
  const matchingSpans = `SELECT TraceId FROM ${db}.otel_traces
      WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64})
        AND Timestamp < fromUnixTimestamp64Nano({to:Int64})
        AND ${spanFilters.join('\n        AND ')}`;
  const having: string[] = [];
  let candidates: string;
  if (search.search !== null) {
    candidates = matchingSpans;
  } else {
    // A row of the trace holds the key, and every row holding a span that starts in the range
    // overlaps the range.
    candidates = `SELECT TraceId FROM ${summaries}
      WHERE Start < fromUnixTimestamp64Nano({to:Int64}) AND EndNs >= {from:Int64}${keyFilter(search)}`;
    const reachingOut = `SELECT TraceId FROM ${summaries} WHERE TraceId IN (${candidates})
        AND (Start < fromUnixTimestamp64Nano({from:Int64}) OR LastStartNs >= {to:Int64})`;
    having.push(`((startNs >= {from:Int64} AND lastStartNs < {to:Int64})
      OR TraceId IN (${matchingSpans}
        AND TraceId IN (${reachingOut})))`);
  }
  if (search.after) {
    having.push('(startNs, TraceId) < ({afterStart:Int64}, {afterTrace:String})');
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
  const sql = `WITH page AS (
    SELECT TraceId,
      toUnixTimestamp64Nano(min(Start)) AS startNs,
      max(EndNs) - startNs AS durationNs,
      max(LastStartNs) AS lastStartNs
    FROM ${summaries}
    WHERE TraceId IN (${candidates})
    GROUP BY TraceId
    HAVING ${having.length > 0 ? having.join('\n      AND ') : '1'}
    ORDER BY startNs DESC, TraceId DESC
    LIMIT {limit:UInt32}
  )
  SELECT ${SUMMARY_COLUMNS}
  FROM ${summaries}
  WHERE TraceId IN (SELECT TraceId FROM page)
  GROUP BY TraceId
  ORDER BY startNs DESC, traceId DESC`;
  return { sql, params };
}

const SEP = `'${SPAN_KEY_SEPARATOR}'`;

/** A row holds a span with the service, operation and status asked for (prefix/suffix tests). */
function keyFilter(search: TraceSearch): string {
  const { service, operation, status, hideServices } = search;
  const hide = hideServices !== undefined;
  if (service === undefined && operation === undefined && status === undefined && !hide) return '';
  if (operation === undefined && status === undefined && !hide)
    return '\n        AND has(Services, {service:String})';
  const parts: string[] = [];
  if (service !== undefined && operation !== undefined)
    parts.push(`startsWith(k, concat({service:String}, ${SEP}, {operation:String}, ${SEP}))`);
  else if (service !== undefined) parts.push(`startsWith(k, concat({service:String}, ${SEP}))`);
  else if (operation !== undefined)
    parts.push(`position(k, concat(${SEP}, {operation:String}, ${SEP})) > 0`);
  if (status !== undefined) parts.push(`endsWith(k, concat(${SEP}, {status:String}))`);
  // Spans of hidden services (Sightline's own) do not make a trace match.
  if (hide) parts.push(`NOT match(splitByString(${SEP}, k)[1], {hideServices:String})`);
  return `\n        AND arrayExists(k -> ${parts.join(' AND ')}, SpanKeys)`;
}

type SummaryRow = TraceSummaryRow;

async function rows<T>(client: ClickHouseClient, q: SqlQuery): Promise<T[]> {
  const rs = await client.query({ query: q.sql, query_params: q.params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/**
 * Newest traces first, in one query: the summaries answer service, operation, status and duration,
 * and a `q` is a semi-join on the spans of the range. One query over the whole range measured 2–3×
 * faster for selective searches than widening windows of spans (1/64 of the range, ×4), which paid
 * each window's fixed costs again (1 M spans, query bench workload).
 */
export async function searchTraces(
  client: ClickHouseClient,
  database: string,
  search: TraceSearch,
): Promise<TraceSearchPage> {
  return toPage(search, await rows<SummaryRow>(client, traceSearchSql(database, search)));
}

function toPage(search: TraceSearch, found: SummaryRow[]): TraceSearchPage {
  const more = found.length > search.limit;
  const page = more ? found.slice(0, search.limit) : found;
  const traces = page.map((s): TraceSummary => {
    const hasRoot = Number(s.rootCount) > 0;
    return {
      traceId: s.traceId,
      rootServiceName: s.rootService,
      rootName: s.rootName,
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
