/**
 * The questions the query bench asks, each through the API (`app.inject`) and as the SQL a
 * ClickHouse expert would write by hand.
 */
import type { StoreClients } from '@sightline/store/client-factory';
import { buildQueryApp } from '../src/app.ts';
import { ROW_KEY } from '../src/sql/logs-row.ts';
import { BIG_TRACE_SPANS, HOUR_MS, RARE_WORD } from './bench-data.ts';
import { DB, rows, type Loaded } from './bench-store.ts';

export interface Case {
  readonly name: string;
  readonly goal: string;
  /** Both return a short digest of the answer, compared once to check the SQL answers the same. */
  readonly api: (run: number) => Promise<string>;
  readonly sql: (run: number) => Promise<string>;
  readonly maxP50Ms?: number;
}

export const RATIO_GOAL = 1.5;
const SPAN_COLUMNS = `TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName,
  toUnixTimestamp64Nano(Timestamp) AS start, Duration, StatusCode, StatusMessage, ResourceAttributes,
  ScopeName, ScopeVersion, SpanAttributes, Events.Timestamp, Events.Name, Events.Attributes,
  Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes`;
const LEVEL = `multiIf(SeverityNumber BETWEEN 1 AND 4, 'trace', SeverityNumber BETWEEN 5 AND 8, 'debug',
  SeverityNumber BETWEEN 9 AND 12, 'info', SeverityNumber BETWEEN 13 AND 16, 'warn',
  SeverityNumber BETWEEN 17 AND 20, 'error', SeverityNumber BETWEEN 21 AND 24, 'fatal', 'unknown')`;

export function cases(store: StoreClients, data: Loaded, nowMs: number): Case[] {
  const app = buildQueryApp({ store, version: 'bench', maxTraceSpans: 100_000 });
  const sql = store.reader;
  const get = async <T>(url: string): Promise<T> => {
    const res = await app.inject({ method: 'GET', url: `/api/v1${url}` });
    if (res.statusCode !== 200) throw new Error(`GET ${url}: ${res.statusCode} ${res.body}`);
    return res.json<T>();
  };
  // Whole quarter-hours, so every step grid (1 min, 15 min) and the range coincide.
  const to = Math.floor(nowMs / 900_000) * 900_000;
  const hour = { from: to - HOUR_MS, to };
  const day = { from: to - 24 * HOUR_MS, to };
  const hourQs = `from=${hour.from}&to=${hour.to}`;
  const dayQs = `from=${day.from}&to=${day.to}`;

  const traceById = async (id: string) => {
    const t = await get<{ spans: unknown[]; logs: unknown[] }>(`/traces/${id}`);
    return `${t.spans.length} spans, ${t.logs.length} logs`;
  };
  const traceByIdSql = async (id: string) => {
    const p = { id };
    const bounds = `(SELECT min(Start) FROM ${DB}.otel_traces_trace_id_ts WHERE TraceId = {id:String}) AS lo,
      (SELECT max(End) FROM ${DB}.otel_traces_trace_id_ts WHERE TraceId = {id:String}) AS hi`;
    const spans = await rows(
      sql,
      `WITH ${bounds} SELECT ${SPAN_COLUMNS} FROM ${DB}.otel_traces
      WHERE TraceId = {id:String} AND Timestamp BETWEEN lo AND hi + 1 ORDER BY Timestamp`,
      p,
    );
    const logs = await rows(
      sql,
      `WITH ${bounds} SELECT toUnixTimestamp64Nano(Timestamp) AS t, SeverityText,
        SeverityNumber, Body, ServiceName, SpanId, LogAttributes FROM ${DB}.otel_logs
      WHERE TraceId = {id:String} AND TimestampTime BETWEEN lo - 3600 AND hi + 3600 ORDER BY Timestamp`,
      p,
    );
    return `${spans.length} spans, ${logs.length} logs`;
  };
  const ids = data.sampleIds;

  /** The newest 100 logs of the day matching `q` (API) and `where` (SQL). */
  const logSearch = (name: string, q: string, where: string): Case => ({
    name,
    goal: `≤ ${RATIO_GOAL}× SQL`,
    api: async () => {
      const r = await get<{ rows: { timestamp: string }[] }>(`/logs?${q}&${dayQs}`);
      return `${r.rows.length} rows, newest ${r.rows[0]?.timestamp}`;
    },
    sql: async () => {
      const r = await rows<{ t: string }>(
        sql,
        // The row id too: the API returns it (the cursor's tie-breaker), and it hashes every column.
        `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS t, ${ROW_KEY} AS id, SeverityText,
          SeverityNumber, ServiceName, Body, TraceId, SpanId, LogAttributes, ResourceAttributes
        FROM ${DB}.otel_logs
        WHERE TimestampTime >= toDateTime({from:UInt32}) AND TimestampTime < toDateTime({to:UInt32})
          ${where}
        ORDER BY Timestamp DESC LIMIT 100`,
        { from: day.from / 1000, to: day.to / 1000, word: RARE_WORD },
      );
      return `${r.length} rows, newest ${r[0]?.t}`;
    },
  });

  return [
    {
      name: `trace by id (random, ${ids.length} ids)`,
      goal: '≤ 100 ms p50 at 10M spans',
      maxP50Ms: 100,
      api: (i) => traceById(ids[i % ids.length]!),
      sql: (i) => traceByIdSql(ids[i % ids.length]!),
    },
    {
      name: `trace by id (${BIG_TRACE_SPANS}-span trace)`,
      goal: '≤ 100 ms p50 at 10M spans',
      maxP50Ms: 100,
      api: () => traceById(data.bigTraceId),
      sql: () => traceByIdSql(data.bigTraceId),
    },
    {
      name: 'trace search, service + attribute, 1 h',
      goal: `≤ ${RATIO_GOAL}× SQL`,
      api: async () => {
        const q = encodeURIComponent('http.status_code:500');
        const r = await get<{ traces: { traceId: string }[] }>(
          `/traces?service=checkout&q=${q}&${hourQs}`,
        );
        return r.traces.map((t) => t.traceId).join();
      },
      // One pass: the matching traces, their time bounds, and every summary column at once.
      sql: async () => {
        const r = await rows<{ TraceId: string }>(
          sql,
          `WITH matched AS (
            SELECT DISTINCT TraceId FROM ${DB}.otel_traces
            WHERE ServiceName = 'checkout' AND Timestamp >= fromUnixTimestamp64Milli({from:Int64})
              AND Timestamp < fromUnixTimestamp64Milli({to:Int64}) AND SpanAttributes['http.status_code'] = '500'),
          bounds AS (SELECT min(Start) AS lo, max(End) + 1 AS hi FROM ${DB}.otel_traces_trace_id_ts WHERE TraceId IN matched)
          SELECT TraceId, min(toUnixTimestamp64Nano(Timestamp)) AS startNs,
            max(toUnixTimestamp64Nano(Timestamp) + Duration) - startNs AS durationNs, count() AS spanCount,
            arraySort(groupUniqArray(ServiceName)) AS services, countIf(StatusCode = 'Error') AS errorCount,
            argMinIf(ServiceName, Timestamp, ParentSpanId = '') AS rootService,
            argMinIf(SpanName, Timestamp, ParentSpanId = '') AS rootName
          FROM ${DB}.otel_traces
          WHERE TraceId IN matched AND Timestamp BETWEEN (SELECT lo FROM bounds) AND (SELECT hi FROM bounds)
          GROUP BY TraceId ORDER BY startNs DESC, TraceId DESC LIMIT 20`,
          hour,
        );
        return r.map((t) => t.TraceId).join();
      },
    },
    logSearch(
      'log search, rare word, 24 h',
      `q=${RARE_WORD}`,
      'AND hasAnyTokens(Body, {word:String})',
    ),
    logSearch(
      'log search, service + level error, 24 h',
      `q=${encodeURIComponent('service:checkout level:error')}`,
      `AND ServiceName = 'checkout' AND (SeverityNumber BETWEEN 17 AND 20
        OR (SeverityNumber = 0 AND lowerUTF8(SeverityText) IN ('error', 'err')))`,
    ),
    // What a logs explorer opens on: the newest page with no filter.
    logSearch('log search, newest 100, no filter, 24 h', '', ''),
    {
      name: 'log histogram, 24 h, 15 min steps',
      goal: `≤ ${RATIO_GOAL}× SQL`,
      api: async () => {
        const r = await get<{ total: number; buckets: unknown[] }>(
          `/logs/histogram?${dayQs}&step=15m`,
        );
        return `${r.buckets.length} buckets, ${r.total} logs`;
      },
      sql: async () => {
        const r = await rows<{ b: number; level: string; n: string }>(
          sql,
          `SELECT
            toUnixTimestamp(toStartOfInterval(TimestampTime, INTERVAL 900 SECOND)) AS b, ${LEVEL} AS level, count() AS n
          FROM ${DB}.otel_logs
          WHERE TimestampTime >= toDateTime({from:UInt32}) AND TimestampTime < toDateTime({to:UInt32})
          GROUP BY b, level`,
          { from: day.from / 1000, to: day.to / 1000 },
        );
        const total = r.reduce((s, x) => s + Number(x.n), 0);
        return `${(day.to - day.from) / 900_000} buckets, ${total} logs`;
      },
    },
    {
      name: 'RED overview, 1 h, 1 min steps',
      goal: `≤ ${RATIO_GOAL}× SQL`,
      api: async () => {
        const r = await get<{ services: { service: string; requests: number }[] }>(
          `/services/overview?${hourQs}&step=1m`,
        );
        return r.services
          .map((s) => `${s.service}=${s.requests}`)
          .sort()
          .join();
      },
      // Totals and per-minute series in one scan (GROUPING SETS); b = 0 marks a total row.
      sql: async () => {
        const r = await rows<{ name: string; b: string; requests: string }>(
          sql,
          `SELECT ServiceName AS name,
            intDiv(toUnixTimestamp64Milli(Timestamp), 60000) * 60000 AS b, count() AS requests,
            countIf(StatusCode = 'Error') AS errors, quantilesExactInclusive(0.5, 0.95, 0.99)(Duration) AS q
          FROM ${DB}.otel_traces
          WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
            AND (SpanKind IN ('Server', 'Consumer') OR ServiceName NOT IN (
              SELECT DISTINCT ServiceName FROM ${DB}.otel_traces
              WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
                AND SpanKind IN ('Server', 'Consumer')))
          GROUP BY GROUPING SETS ((name), (name, b))`,
          hour,
        );
        return r
          .filter((x) => Number(x.b) === 0)
          .map((s) => `${s.name}=${s.requests}`)
          .sort()
          .join();
      },
    },
    {
      name: 'service map, 1 h',
      goal: `≤ ${RATIO_GOAL}× SQL`,
      api: async () => {
        const r = await get<{
          nodes: unknown[];
          edges: { caller: string; callee: string; calls: number }[];
        }>(`/services/map?${hourQs}`);
        return (
          `${r.nodes.length} nodes, ` +
          r.edges
            .map((e) => `${e.caller}>${e.callee}=${e.calls}`)
            .sort()
            .join()
        );
      },
      sql: async () => {
        const nodes = await rows(
          sql,
          `SELECT ServiceName, count() AS requests, countIf(StatusCode = 'Error') AS errors
          FROM ${DB}.otel_traces
          WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
            AND (SpanKind IN ('Server', 'Consumer') OR ServiceName NOT IN (
              SELECT DISTINCT ServiceName FROM ${DB}.otel_traces
              WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
                AND SpanKind IN ('Server', 'Consumer')))
          GROUP BY ServiceName`,
          hour,
        );
        const edges = await rows<{ caller: string; callee: string; calls: string }>(
          sql,
          `SELECT
            p.ServiceName AS caller, c.ServiceName AS callee, count() AS calls,
            countIf(c.StatusCode = 'Error') AS errors, quantileExactInclusive(0.95)(c.Duration) AS p95
          FROM (SELECT TraceId, ParentSpanId, ServiceName, StatusCode, Duration FROM ${DB}.otel_traces
                WHERE Timestamp >= fromUnixTimestamp64Milli({from:Int64}) AND Timestamp < fromUnixTimestamp64Milli({to:Int64})
                  AND ParentSpanId != '') AS c
          ANY INNER JOIN (SELECT TraceId, SpanId, ServiceName FROM ${DB}.otel_traces
                WHERE Timestamp >= fromUnixTimestamp64Milli({pfrom:Int64}) AND Timestamp < fromUnixTimestamp64Milli({pto:Int64})) AS p
            ON c.TraceId = p.TraceId AND c.ParentSpanId = p.SpanId
          WHERE p.ServiceName != c.ServiceName
          GROUP BY caller, callee`,
          { ...hour, pfrom: hour.from - 600_000, pto: hour.to + 60_000 },
        );
        return (
          `${nodes.length} nodes, ` +
          edges
            .map((e) => `${e.caller}>${e.callee}=${e.calls}`)
            .sort()
            .join()
        );
      },
    },
  ];
}
