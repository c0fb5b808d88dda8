import type { ClickHouseClient } from '@clickhouse/client';
import type { TraceSummary } from '@sightline/model/api/traces';
import type { SearchParamValue } from '../search/compile.ts';
import type { TraceSearch } from './trace-search-params.ts';
import { ident } from '@sightline/store/schema/ddl-context';
import {
  SPAN_KEY_SEPARATOR,
  SUMMARY_COLUMNS,
  TRACE_SUMMARIES_TABLE,
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
 * summaries (one row per trace, kept at ingest) rather than from the spans.
 *
 * A trace matches when one of its spans that starts inside the range passes every span filter.
 * Service, operation and status are answered by the summary's (service, operation, status) keys
 * and the first and last start of their spans: a key whose first span starts before `to` and last
 * at or after `from` counts as inside the range, which is exact whenever the search is floored
 * (every span then starts at or after the floor) or the key has a span inside the range; it is
 * only wrong for a trace whose spans of that key all lie on both sides of the range, none in it.
 * A free-text / attribute query `q` is a predicate over one span: only then are spans read, to
 * find the trace ids, and the summaries are read for those.
 * Its summary (start, duration, counts, root) covers ALL its spans, also those outside the range,
 * so it agrees with the trace view and the cursor stays consistent. Ordering and the cursor apply
 * after grouping, which is what makes pages gap- and repeat-free: the key (start, id) is unique
 * and total. With `startsAfterNs`, only traces starting at or after it.
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
  const spanFilters: string[] = [];
  const keyFilters: string[] = [];
  const filter = (value: string | undefined, column: string, name: string, part: number) => {
    if (value === undefined) return;
    spanFilters.push(`${column} = {${name}:String}`);
    keyFilters.push(`splitByChar('${SPAN_KEY_SEPARATOR}', k)[${part}] = {${name}:String}`);
    params[name] = value;
  };
  filter(search.service, 'ServiceName', 'service', 1);
  filter(search.operation, 'SpanName', 'operation', 2);
  filter(search.status, 'StatusCode', 'status', 3);
  const having: string[] = [];
  let candidates: string;
  if (search.search !== null) {
    spanFilters.push(`(${search.search.sql})`);
    Object.assign(params, search.search.params);
    candidates = `SELECT DISTINCT TraceId FROM ${db}.otel_traces
    WHERE Timestamp >= fromUnixTimestamp64Nano({from:Int64})
      AND Timestamp < fromUnixTimestamp64Nano({to:Int64})
      AND TraceId != ''
      AND ${spanFilters.join('\n      AND ')}`;
  } else {
    // Every row of a trace with a span starting in the range overlaps the range.
    candidates = `SELECT TraceId FROM ${db}.${TRACE_SUMMARIES_TABLE}
    WHERE Start < fromUnixTimestamp64Nano({to:Int64}) AND EndNs >= {from:Int64}`;
    const key = ['f < {to:Int64}', 'l >= {from:Int64}', ...keyFilters].join(' AND ');
    having.push(`arrayExists((k, f, l) -> ${key}, spanFirst.1, spanFirst.2, spanLast.2)`);
  }
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
  const sql = `SELECT ${SUMMARY_COLUMNS}
  FROM ${db}.${TRACE_SUMMARIES_TABLE}
  WHERE TraceId IN (${candidates})
  GROUP BY TraceId
  HAVING ${having.length > 0 ? having.join('\n    AND ') : '1'}
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
