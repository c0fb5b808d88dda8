/**
 * The trace searches the traces bench asks: each through the API (`app.inject`), as one pass over
 * the spans of the window, and over the trace summaries table; all three return the page's trace ids.
 */
import type { StoreClients } from '@sightline/store/client-factory';
import { buildQueryApp } from '../src/app.ts';
import { DB, rows } from './bench-store.ts';

interface Window {
  readonly from: number;
  readonly to: number;
}

export interface TraceSearchCase {
  readonly name: string;
  readonly api: () => Promise<string>;
  readonly spans: () => Promise<string>;
  readonly summaries: () => Promise<string>;
}

interface Spec {
  readonly name: string;
  readonly window: Window;
  /** The API's query string, without the range. */
  readonly qs: string;
  /** The filters as a predicate over one span. */
  readonly span: string;
  /** The same over a summary key `k` (service␟operation␟status), or null when only spans can tell. */
  readonly key: string | null;
  readonly minDurationNs?: number;
}

// Every trace of this workload lasts well under a minute: a pass over the window and one more
// minute sees all spans of the traces that have one in the window.
const SLACK = 'INTERVAL 1 MINUTE';
const FROM = 'fromUnixTimestamp64Milli({from:Int64})';
const TO = 'fromUnixTimestamp64Milli({to:Int64})';

export function traceSearchCases(
  store: StoreClients,
  hour: Window,
  day: Window,
): TraceSearchCase[] {
  const app = buildQueryApp({ store, version: 'bench', maxTraceSpans: 100_000 });
  const ids = (r: { TraceId: string }[]) => r.map((t) => t.TraceId).join();
  const build = (s: Spec): TraceSearchCase => {
    const having = s.minDurationNs === undefined ? '' : ` AND d >= ${s.minDurationNs}`;
    return {
      name: s.name,
      api: async () => {
        const res = await app.inject({
          method: 'GET',
          url: `/api/v1/traces?${s.qs}&from=${s.window.from}&to=${s.window.to}`,
        });
        if (res.statusCode !== 200) throw new Error(`${s.qs}: ${res.statusCode} ${res.body}`);
        return res
          .json<{ traces: { traceId: string }[] }>()
          .traces.map((t) => t.traceId)
          .join();
      },
      // One pass: group by trace over the window, keep the traces with a matching span in it.
      spans: async () =>
        ids(
          await rows<{ TraceId: string }>(
            store.reader,
            `SELECT TraceId, min(toUnixTimestamp64Nano(Timestamp)) AS s,
              max(toUnixTimestamp64Nano(Timestamp) + toInt64(Duration)) - s AS d, count() AS n,
              arraySort(groupUniqArray(ServiceName)) AS services, countIf(StatusCode = 'Error') AS errors,
              argMinIf((ServiceName, SpanName), Timestamp, ParentSpanId = '') AS root
            FROM ${DB}.otel_traces
            WHERE Timestamp >= ${FROM} AND Timestamp < ${TO} + ${SLACK}
            GROUP BY TraceId
            HAVING countIf(Timestamp < ${TO} AND ${s.span}) > 0${having}
            ORDER BY s DESC, TraceId DESC LIMIT 20`,
            { ...s.window },
          ),
        ),
      summaries: async () => {
        // The traces with a row in the window holding the key (or, for q, a matching span).
        const match =
          s.key === null
            ? `SELECT TraceId FROM ${DB}.otel_traces
                WHERE Timestamp >= ${FROM} AND Timestamp < ${TO} AND ${s.span}`
            : `SELECT TraceId FROM ${DB}.sightline_trace_summaries
                WHERE Start >= ${FROM} - ${SLACK} AND Start < ${TO} AND arrayExists(k -> ${s.key}, SpanKeys)`;
        const keys = s.key === null ? '' : ' AND s >= {from:Int64} * 1000000';
        return ids(
          await rows<{ TraceId: string }>(
            store.reader,
            `SELECT TraceId, toUnixTimestamp64Nano(min(Start)) AS s, max(EndNs) - s AS d,
              sum(SpanCount) AS n, arraySort(groupUniqArrayArray(Services)) AS services,
              sum(ErrorCount) AS errors, min(Root) AS root
            FROM ${DB}.sightline_trace_summaries
            WHERE TraceId IN (${match})
            GROUP BY TraceId
            HAVING 1${keys}${having}
            ORDER BY s DESC, TraceId DESC LIMIT 20`,
            { ...s.window },
          ),
        );
      },
    };
  };
  const svc = (name: string) => `startsWith(k, '${name}\\x1f')`;
  return [
    build({
      name: 'service + min duration, 1 h',
      window: hour,
      qs: 'service=checkout&minDuration=300ms',
      span: "ServiceName = 'checkout'",
      key: svc('checkout'),
      minDurationNs: 300e6,
    }),
    build({
      name: 'service + attribute, 1 h',
      window: hour,
      qs: `service=checkout&q=${encodeURIComponent('http.status_code:500')}`,
      span: "ServiceName = 'checkout' AND SpanAttributes['http.status_code'] = '500'",
      key: null,
    }),
    build({
      name: 'service + attribute, 24 h',
      window: day,
      qs: `service=checkout&q=${encodeURIComponent('http.status_code:500')}`,
      span: "ServiceName = 'checkout' AND SpanAttributes['http.status_code'] = '500'",
      key: null,
    }),
    build({
      name: 'common attribute, 24 h',
      window: day,
      qs: `q=${encodeURIComponent('http.status_code:200')}`,
      span: "SpanAttributes['http.status_code'] = '200'",
      key: null,
    }),
    build({
      name: 'service + status error + min duration, 1 h',
      window: hour,
      qs: 'service=payment&status=error&minDuration=100ms',
      span: "ServiceName = 'payment' AND StatusCode = 'Error'",
      key: `${svc('payment')} AND endsWith(k, '\\x1fError')`,
      minDurationNs: 100e6,
    }),
    build({
      name: 'newest traces, no filter, 24 h',
      window: day,
      qs: '',
      span: '1',
      key: '1',
    }),
    build({
      name: 'service + operation + status error, 24 h',
      window: day,
      qs: 'service=payment&operation=Charge&status=error',
      span: "ServiceName = 'payment' AND SpanName = 'Charge' AND StatusCode = 'Error'",
      key: `k = 'payment\\x1fCharge\\x1fError'`,
    }),
    build({
      name: 'min duration 1 s, 24 h',
      window: day,
      qs: 'minDuration=1s',
      span: '1',
      key: '1',
      minDurationNs: 1e9,
    }),
  ];
}

/**
 * The service map of a window: through the API (which also counts nodes and database calls from
 * the spans), as the one-pass parent/child join over the spans, and as hand-written SQL over the
 * service graph (the window is whole minutes: the per-minute edges plus the orphans' pairs). All
 * three return the caller → callee call counts.
 */
export function serviceMapCase(store: StoreClients, w: Window): TraceSearchCase {
  const app = buildQueryApp({ store, version: 'bench', maxTraceSpans: 100_000 });
  const digest = (r: { caller: string; callee: string; calls: string | number }[]) =>
    r
      .map((e) => `${e.caller}>${e.callee}:${e.calls}`)
      .sort()
      .join();
  const parents = `SELECT TraceId, SpanId, ServiceName FROM ${DB}.otel_traces
    WHERE Timestamp >= ${FROM} - INTERVAL 10 MINUTE AND Timestamp < ${TO} + ${SLACK}`;
  const orphans = `FROM ${DB}.sightline_service_edge_orphans WHERE Timestamp >= ${FROM} AND Timestamp < ${TO}`;
  return {
    name: 'service map, 1 h (API also counts nodes and stores)',
    api: async () => {
      const res = await app.inject({
        method: 'GET',
        url: `/api/v1/services/map?from=${w.from}&to=${w.to}`,
      });
      if (res.statusCode !== 200) throw new Error(`map: ${res.statusCode} ${res.body}`);
      const edges = res.json<{
        edges: { caller: string; callee: string; calls: number; calleeKind: string }[];
      }>().edges;
      return digest(edges.filter((e) => e.calleeKind === 'service'));
    },
    spans: async () =>
      digest(
        await rows(
          store.reader,
          `SELECT parent.ServiceName AS caller, child.ServiceName AS callee, count() AS calls
          FROM (SELECT TraceId, ParentSpanId, ServiceName FROM ${DB}.otel_traces
            WHERE Timestamp >= ${FROM} AND Timestamp < ${TO} AND ParentSpanId != '') AS child
          LEFT ANY JOIN (${parents}) AS parent
          ON child.TraceId = parent.TraceId AND child.ParentSpanId = parent.SpanId
          WHERE parent.ServiceName != '' AND parent.ServiceName != child.ServiceName
          GROUP BY caller, callee`,
          { ...w },
        ),
      ),
    summaries: async () =>
      digest(
        await rows(
          store.reader,
          `SELECT caller, callee, sum(calls) AS calls FROM (
            SELECT toString(Caller) AS caller, toString(Callee) AS callee, sum(Calls) AS calls
            FROM ${DB}.sightline_service_edges
            WHERE Minute >= ${FROM} AND Minute < ${TO} GROUP BY caller, callee
            UNION ALL
            SELECT toString(parent.ServiceName) AS caller, toString(child.ServiceName) AS callee, count() AS calls
            FROM (SELECT TraceId, ParentSpanId, ServiceName ${orphans}) AS child
            LEFT ANY JOIN (${parents} AND TraceId IN (SELECT TraceId ${orphans})) AS parent
            ON child.TraceId = parent.TraceId AND child.ParentSpanId = parent.SpanId
            WHERE parent.ServiceName != '' AND parent.ServiceName != child.ServiceName
            GROUP BY caller, callee)
          GROUP BY caller, callee`,
          { ...w },
        ),
      ),
  };
}
