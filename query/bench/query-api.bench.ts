/**
 * The query API against hand-written SQL on the same store, in one run.
 *
 * Generates BENCH_QUERY_ROWS spans and as many logs (default 10,000,000 each) spread over the last
 * 24 h and inserts them straight into a fresh embedded store with `insertRows`, in slices so memory
 * stays bounded. The OTLP endpoint path is not measured here: the pipeline bench does that. A full
 * run loads for a while (~10 min at ~35k rows/s on 2 cores); `BENCH_QUERY_ROWS=1000000` is a quick run.
 *
 * Each question is then asked through the API (`app.inject`: routing, validation, SQL, JSON
 * serialisation) and as the SQL a ClickHouse expert would write by hand, alternating run by run,
 * and read back as parsed JSON on the store's reader client in both cases.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ClickHouseClient } from '@clickhouse/client';
import type { Attributes, LogRow, SpanRow } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from '@sightline/store/client-factory';
import { insertRows } from '@sightline/store/insert';
import { migrate } from '@sightline/store/migrate';
import { buildQueryApp } from '../src/app.ts';

const ROWS = Number(process.env.BENCH_QUERY_ROWS ?? 10_000_000);
const BATCH = Number(process.env.BENCH_QUERY_BATCH ?? 25_000);
const RUNS = Number(process.env.BENCH_QUERY_RUNS ?? 20);
const WARMUPS = 2;
const DB = 'sightline';
const HOUR_MS = 3_600_000;
/** The word the log search looks for; about 2 logs in 100,000 carry it. */
const RARE_WORD = 'deadlock';
const BIG_TRACE_SPANS = 1501;

// ---------------------------------------------------------------- workload

/** mulberry32: seeded, so every run stores the same data. */
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}
const rand = prng(42);
const pick = <T>(xs: readonly T[]): T => xs[Math.floor(rand() * xs.length)]!;
const hex32 = () => (Math.floor(rand() * 4294967296) >>> 0).toString(16).padStart(8, '0');
const traceId = () => hex32() + hex32() + hex32() + hex32();
const spanId = () => hex32() + hex32();
/** Log-normal around `medianMs` with a long tail: 1% of calls are 5–50× slower. */
function durationUs(medianMs: number): number {
  const z = Math.sqrt(-2 * Math.log(1 - rand())) * Math.cos(2 * Math.PI * rand());
  const slow = rand() < 0.01 ? 5 + rand() * 45 : 1;
  return Math.max(20, Math.round(medianMs * 1000 * Math.exp(0.6 * z) * slow));
}

interface Op {
  readonly service: string;
  readonly name: string;
  readonly kind: 'Server' | 'Consumer' | 'Internal';
  readonly medianMs: number;
  readonly errorRate: number;
  /** Operations called in turn, each through a client span of this service. */
  readonly calls: readonly string[];
  /** A database statement run before the calls, if any. */
  readonly db: string | undefined;
}
type OpSpec = [string, string, string, Op['kind'], number, number, string[], string?];
// prettier-ignore
const OP_TABLE: readonly OpSpec[] = [
  ['home', 'frontend', 'GET /', 'Server', 8, 0.002, ['listProducts', 'ads']],
  ['product', 'frontend', 'GET /product/{id}', 'Server', 6, 0.003, ['getProduct', 'recommend', 'ads']],
  ['addCart', 'frontend', 'POST /cart', 'Server', 4, 0.004, ['addItem']],
  ['checkout', 'frontend', 'POST /checkout', 'Server', 10, 0.005, ['placeOrder']],
  ['placeOrder', 'checkout', 'PlaceOrder', 'Server', 15, 0.01,
    ['getCart', 'getProduct', 'convert', 'charge', 'ship', 'email'], 'INSERT INTO orders'],
  ['getProduct', 'product-catalog', 'GetProduct', 'Server', 3, 0.001, [], 'SELECT products'],
  ['listProducts', 'product-catalog', 'ListProducts', 'Server', 7, 0.001, [], 'SELECT products'],
  ['recommend', 'recommendation', 'ListRecommendations', 'Server', 12, 0.004, ['listProducts']],
  ['ads', 'ad', 'GetAds', 'Server', 4, 0.002, []],
  ['addItem', 'cart', 'AddItem', 'Server', 2, 0.002, [], 'HSET cart'],
  ['getCart', 'cart', 'GetCart', 'Server', 2, 0.002, [], 'HGETALL cart'],
  ['convert', 'currency', 'Convert', 'Server', 1, 0.001, []],
  ['charge', 'payment', 'Charge', 'Server', 40, 0.03, ['score']],
  ['score', 'fraud-detection', 'Score', 'Server', 9, 0.002, []],
  ['ship', 'shipping', 'ShipOrder', 'Server', 8, 0.005, ['quote']],
  ['quote', 'quote', 'GetQuote', 'Server', 3, 0.001, []],
  ['email', 'email', 'SendConfirmation', 'Server', 25, 0.01, []],
  ['orderEvent', 'order-worker', 'orders process', 'Consumer', 5, 0.004, ['reserve']],
  ['reserve', 'inventory', 'Reserve', 'Server', 4, 0.003, [], 'UPDATE stock'],
  ['stock', 'inventory', 'GetStock', 'Server', 1, 0.001, []],
  // A batch job: no Server or Consumer spans, so RED measures it on all its spans.
  ['report', 'report-generator', 'nightly-report', 'Internal', 30, 0.01, ['stock', 'stock']],
];
const OPS: Record<string, Op> = Object.fromEntries(
  OP_TABLE.map(([key, service, name, kind, medianMs, errorRate, calls, db]) => [
    key,
    { service, name, kind, medianMs, errorRate, calls, db },
  ]),
);
const ROOTS: readonly [string, number][] = [
  ['product', 0.45],
  ['home', 0.1],
  ['addCart', 0.2],
  ['checkout', 0.1],
  ['orderEvent', 0.1499],
  ['report', 0.0001],
];

const resources = new Map<string, Attributes[]>();
function resource(service: string): Attributes {
  let hosts = resources.get(service);
  if (!hosts) {
    hosts = Array.from({ length: 4 }, (_, i) => ({
      'service.name': service,
      'service.version': '1.4.2',
      'host.name': `${service}-${i}`,
      'deployment.environment': 'production',
      'telemetry.sdk.language': 'nodejs',
    }));
    resources.set(service, hosts);
  }
  return pick(hosts);
}

const WORDS = ['request', 'handled', 'cache', 'user', 'session', 'order', 'item', 'queue', 'retry'];
const TIERS = ['free', 'free', 'free', 'pro', 'pro', 'enterprise'];

/** Builds rows into `spans`/`logs`; times are whole microseconds (exact in a double). */
class Workload {
  readonly spans: SpanRow[] = [];
  readonly logs: LogRow[] = [];
  /** Every 1000th trace id, for trace-by-id lookups. */
  readonly sampleIds: string[] = [];
  private traces = 0;

  constructor(private readonly endUs: number) {}

  trace(rootKey: string, startUs: number, fanOut = 0): string {
    const id = traceId();
    if (++this.traces % 1000 === 0 && this.sampleIds.length < 500) this.sampleIds.push(id);
    const calls = fanOut > 0 ? Array.from({ length: fanOut }, () => 'stock') : undefined;
    this.server(OPS[rootKey]!, id, '', startUs, calls);
    return id;
  }

  /** One server/consumer span, its client calls (each with the callee's span) and its logs. */
  private server(
    o: Op,
    tid: string,
    parent: string,
    startUs: number,
    calls = o.calls,
  ): {
    endUs: number;
    error: boolean;
  } {
    const sid = spanId();
    const res = resource(o.service);
    let t = startUs + 50 + Math.floor(rand() * 200);
    let childError = false;
    if (o.db !== undefined) t = this.client(tid, sid, o.service, res, o.db, t, null).endUs;
    for (const key of calls) {
      const r = this.client(tid, sid, o.service, res, key, t, OPS[key]!);
      t = r.endUs;
      childError ||= r.error;
    }
    const endUs = t + durationUs(o.medianMs);
    const error = rand() < o.errorRate || (childError && rand() < 0.6);
    const status = error ? '500' : rand() < 0.02 ? '404' : '200';
    const attrs: Attributes = { 'http.status_code': status, 'customer.tier': pick(TIERS) };
    if (o.kind === 'Server') {
      attrs['http.method'] = o.name.startsWith('POST') ? 'POST' : 'GET';
      attrs['http.route'] = o.name;
    }
    if (rand() < 0.001) attrs['customer.tier'] = 'platinum';
    if (rand() < 0.0005) attrs['feature.flag'] = 'checkout-v2-beta';
    this.span(tid, sid, parent, o.name, o.kind, o.service, res, attrs, startUs, endUs, error);
    const ms = ((endUs - startUs) / 1000).toFixed(1);
    const body = error
      ? `${o.name} failed after ${ms} ms: ${pick(['upstream returned 503', 'connection reset by peer', 'card declined', 'timeout waiting for lock'])}`
      : `${o.name} ${pick(WORDS)} ${pick(WORDS)} completed in ${ms} ms`;
    this.log(tid, sid, o.service, res, endUs, error ? 17 : rand() < 0.15 ? 5 : 9, body);
    return { endUs, error };
  }

  /** A client span of `service` calling `callee` (or a database when callee is null). */
  private client(
    tid: string,
    parent: string,
    service: string,
    res: Attributes,
    target: string,
    startUs: number,
    callee: Op | null,
  ): { endUs: number; error: boolean } {
    const sid = spanId();
    let endUs: number;
    let error = false;
    let attrs: Attributes;
    if (callee) {
      const r = this.server(callee, tid, sid, startUs + 100 + Math.floor(rand() * 300));
      endUs = r.endUs + 100 + Math.floor(rand() * 300);
      error = r.error;
      attrs = {
        'rpc.service': callee.service,
        'rpc.method': callee.name,
        'http.status_code': error ? '500' : '200',
      };
    } else {
      endUs = startUs + durationUs(1.5);
      attrs = { 'db.system': 'postgresql', 'db.statement': target };
    }
    const name = callee ? `${callee.service}/${callee.name}` : target;
    this.span(tid, sid, parent, name, 'Client', service, res, attrs, startUs, endUs, error);
    const ms = ((endUs - startUs) / 1000).toFixed(1);
    this.log(tid, sid, service, res, startUs, callee ? 9 : 5, `calling ${name} took ${ms} ms`);
    return { endUs, error };
  }

  private span(
    tid: string,
    sid: string,
    parent: string,
    name: string,
    kind: string,
    service: string,
    res: Attributes,
    attrs: Attributes,
    startUs: number,
    endUs: number,
    error: boolean,
  ): void {
    this.spans.push({
      Timestamp: `${startUs}000`,
      TraceId: tid,
      SpanId: sid,
      ParentSpanId: parent,
      TraceState: '',
      SpanName: name,
      SpanKind: kind,
      ServiceName: service,
      ResourceAttributes: res,
      ScopeName: '@opentelemetry/instrumentation-http',
      ScopeVersion: '0.52.1',
      SpanAttributes: attrs,
      Duration: `${endUs - startUs}000`,
      StatusCode: error ? 'Error' : 'Unset',
      StatusMessage: error ? 'internal error' : '',
      'Events.Timestamp': [],
      'Events.Name': [],
      'Events.Attributes': [],
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    });
  }

  /** One log per server span; one in ten is replaced by a background log without a trace. */
  private log(
    tid: string,
    sid: string,
    service: string,
    res: Attributes,
    atUs: number,
    severity: number,
    body: string,
  ): void {
    const background = rand() < 0.1;
    let text = background
      ? pick([
          `cache refresh finished, ${Math.floor(rand() * 5000)} keys`,
          `connection pool active=${Math.floor(rand() * 20)} idle=${Math.floor(rand() * 10)}`,
          `gc pause ${(rand() * 30).toFixed(1)} ms`,
          'health check ok',
        ])
      : body;
    // Rare words: the searched one, plus a few that only appear now and then.
    const r = rand();
    if (r < 0.00002)
      text = `${RARE_WORD} detected on ${pick(['orders', 'stock', 'carts'])} table, transaction rolled back`;
    else if (r < 0.0002) text += ` (${pick(['sharding', 'failover', 'throttled', 'quarantined'])})`;
    this.logs.push({
      Timestamp: `${Math.min(atUs, this.endUs)}000`,
      TraceId: background ? '' : tid,
      SpanId: background ? '' : sid,
      TraceFlags: background ? 0 : 1,
      SeverityText: severity >= 17 ? 'ERROR' : severity >= 9 ? 'INFO' : 'DEBUG',
      SeverityNumber: severity,
      ServiceName: service,
      Body: text,
      ResourceSchemaUrl: '',
      ResourceAttributes: res,
      ScopeSchemaUrl: '',
      ScopeName: 'pino',
      ScopeVersion: '9.5.0',
      ScopeAttributes: {},
      LogAttributes: { 'thread.id': String(Math.floor(rand() * 16)) },
      EventName: '',
    });
  }

  /** Traces until at least `spans` spans are buffered, starting anywhere in the last 24 h. */
  fill(spans: number): void {
    while (this.spans.length < spans) {
      let r = rand();
      let root = ROOTS[0]![0];
      for (const [key, weight] of ROOTS)
        if ((r -= weight) < 0) {
          root = key;
          break;
        }
      this.trace(root, this.endUs - 5_000_000 - Math.floor(rand() * 24 * HOUR_MS * 1000));
    }
  }

  take(): { spans: SpanRow[]; logs: LogRow[] } {
    return { spans: this.spans.splice(0), logs: this.logs.splice(0) };
  }
}

// ---------------------------------------------------------------- load

interface Loaded {
  spans: number;
  logs: number;
  seconds: number;
  sampleIds: string[];
  bigTraceId: string;
}

/** Generation of the next slice overlaps the store's insert of the previous one. */
async function load(store: StoreClients, endMs: number): Promise<Loaded> {
  const w = new Workload(endMs * 1000);
  const bigTraceId = w.trace('report', (endMs - 30 * 60_000) * 1000, (BIG_TRACE_SPANS - 1) / 2);
  let spans = 0;
  let logs = 0;
  let pending: Promise<void> = Promise.resolve();
  const t0 = performance.now();
  while (spans < ROWS) {
    w.fill(Math.min(BATCH, ROWS - spans));
    const slice = w.take();
    spans += slice.spans.length;
    logs += slice.logs.length;
    await pending;
    pending = (async () => {
      await insertRows(store.writer, DB, 'spans', slice.spans);
      await insertRows(store.writer, DB, 'logs', slice.logs);
    })();
  }
  await pending;
  return {
    spans,
    logs,
    seconds: (performance.now() - t0) / 1000,
    sampleIds: w.sampleIds,
    bigTraceId,
  };
}

async function rows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown> = {},
): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/** Lets background merges finish (bounded), so queries see the parts a settled store has. */
async function settle(store: StoreClients): Promise<{ waited: number; parts: string }> {
  const t0 = performance.now();
  while (performance.now() - t0 < 180_000) {
    const [m] = await rows<{ n: string }>(
      store.reader,
      `SELECT count() AS n FROM system.merges WHERE database = '${DB}'`,
    );
    if (Number(m?.n) === 0) break;
    await new Promise((r) => setTimeout(r, 1000));
  }
  const parts = await rows<{ table: string; n: string }>(
    store.reader,
    `SELECT table, count() AS n FROM system.parts WHERE database = '${DB}' AND active AND table IN ('otel_traces', 'otel_logs') GROUP BY table ORDER BY table`,
  );
  return {
    waited: (performance.now() - t0) / 1000,
    parts: parts.map((p) => `${p.table} ${p.n}`).join(', '),
  };
}

async function bytesPerRow(store: StoreClients): Promise<Record<string, number>> {
  const out: Record<string, number> = {};
  for (const r of await rows<{ table: string; b: string; r: string }>(
    store.reader,
    `SELECT table, sum(bytes_on_disk) AS b, sum(rows) AS r FROM system.parts
     WHERE database = '${DB}' AND active GROUP BY table`,
  )) {
    out[r.table] = Number(r.b);
    out[`${r.table}.rows`] = Number(r.r);
  }
  return out;
}

// ---------------------------------------------------------------- questions

interface Case {
  readonly name: string;
  readonly goal: string;
  /** Both return a short digest of the answer, compared once to check the SQL answers the same. */
  readonly api: (run: number) => Promise<string>;
  readonly sql: (run: number) => Promise<string>;
  readonly maxP50Ms?: number;
}

const RATIO_GOAL = 1.5;
const SPAN_COLUMNS = `TraceId, SpanId, ParentSpanId, TraceState, SpanName, SpanKind, ServiceName,
  toUnixTimestamp64Nano(Timestamp) AS start, Duration, StatusCode, StatusMessage, ResourceAttributes,
  ScopeName, ScopeVersion, SpanAttributes, Events.Timestamp, Events.Name, Events.Attributes,
  Links.TraceId, Links.SpanId, Links.TraceState, Links.Attributes`;
const LEVEL = `multiIf(SeverityNumber BETWEEN 1 AND 4, 'trace', SeverityNumber BETWEEN 5 AND 8, 'debug',
  SeverityNumber BETWEEN 9 AND 12, 'info', SeverityNumber BETWEEN 13 AND 16, 'warn',
  SeverityNumber BETWEEN 17 AND 20, 'error', SeverityNumber BETWEEN 21 AND 24, 'fatal', 'unknown')`;

function cases(store: StoreClients, data: Loaded, nowMs: number): Case[] {
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
    {
      name: `log search, rare word, 24 h`,
      goal: `≤ ${RATIO_GOAL}× SQL`,
      api: async () => {
        const r = await get<{ rows: { timestamp: string }[] }>(`/logs?q=${RARE_WORD}&${dayQs}`);
        return `${r.rows.length} rows, newest ${r.rows[0]?.timestamp}`;
      },
      sql: async () => {
        const r = await rows<{ t: string }>(
          sql,
          `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS t, SeverityText,
            SeverityNumber, ServiceName, Body, TraceId, SpanId, LogAttributes, ResourceAttributes
          FROM ${DB}.otel_logs
          WHERE TimestampTime >= toDateTime({from:UInt32}) AND TimestampTime < toDateTime({to:UInt32})
            AND hasAnyTokens(Body, {word:String})
          ORDER BY Timestamp DESC LIMIT 100`,
          { from: day.from / 1000, to: day.to / 1000, word: RARE_WORD },
        );
        return `${r.length} rows, newest ${r[0]?.t}`;
      },
    },
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

// ---------------------------------------------------------------- measure

const quantile = (xs: number[], q: number): number => {
  const s = [...xs].sort((a, b) => a - b);
  const pos = (s.length - 1) * q;
  const lo = Math.floor(pos);
  return s[lo]! + (s[Math.min(lo + 1, s.length - 1)]! - s[lo]!) * (pos - lo);
};

async function time(fn: () => Promise<string>): Promise<number> {
  const t0 = performance.now();
  await fn();
  return performance.now() - t0;
}

export async function run(): Promise<void> {
  console.log(
    `\n## query API vs hand-written SQL — ${ROWS} spans and ${ROWS} logs over 24 h, embedded store`,
  );
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-query-'));
  const store = createStoreClients({ dataDir, database: DB });
  try {
    await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    const nowMs = Date.now();
    const data = await load(store, nowMs);
    const settled = await settle(store);
    const disk = await bytesPerRow(store);
    console.log(
      `\nloaded ${data.spans} spans + ${data.logs} logs in ${data.seconds.toFixed(1)} s ` +
        `(${Math.round((data.spans + data.logs) / data.seconds)} rows/s, generation overlapped with ${BATCH}-row inserts); ` +
        `merges settled after ${settled.waited.toFixed(0)} s more (active parts: ${settled.parts})`,
    );
    console.log(
      `bytes on disk per span ${(disk.otel_traces! / disk['otel_traces.rows']!).toFixed(1)}, ` +
        `per log ${(disk.otel_logs! / disk['otel_logs.rows']!).toFixed(1)} ` +
        `(+ trace id → time table ${((disk.otel_traces_trace_id_ts ?? 0) / data.spans).toFixed(1)} per span; not OPTIMIZEd)`,
    );
    console.log(
      `\n${RUNS} runs each after ${WARMUPS} warm-ups, API and SQL alternating; times in ms\n`,
    );
    console.log(
      '| query | API p50 | API p95 | SQL p50 | SQL p95 | API/SQL ratio | goal | met | same answer |',
    );
    console.log('|---|---:|---:|---:|---:|---:|---|---|---|');
    for (const c of cases(store, data, nowMs)) {
      const apiDigest = await c.api(0);
      const sqlDigest = await c.sql(0);
      for (let i = 1; i < WARMUPS; i++) {
        await c.api(i);
        await c.sql(i);
      }
      const api: number[] = [];
      const sqlMs: number[] = [];
      for (let i = 0; i < RUNS; i++) {
        api.push(await time(() => c.api(WARMUPS + i)));
        sqlMs.push(await time(() => c.sql(WARMUPS + i)));
      }
      const [a50, a95, s50, s95] = [
        quantile(api, 0.5),
        quantile(api, 0.95),
        quantile(sqlMs, 0.5),
        quantile(sqlMs, 0.95),
      ];
      const ratio = a50 / s50;
      const met = ratio <= RATIO_GOAL && (c.maxP50Ms === undefined || a50 <= c.maxP50Ms);
      const same =
        apiDigest === sqlDigest
          ? `yes (${apiDigest.length > 40 ? apiDigest.slice(0, 40) + '…' : apiDigest})`
          : `NO: API ${apiDigest.slice(0, 60)} / SQL ${sqlDigest.slice(0, 60)}`;
      console.log(
        `| ${c.name} | ${a50.toFixed(1)} | ${a95.toFixed(1)} | ${s50.toFixed(1)} | ${s95.toFixed(1)} | ${ratio.toFixed(2)} | ${c.goal}${c.maxP50Ms ? `, ≤ ${RATIO_GOAL}× SQL` : ''} | ${met ? 'yes' : 'no'} | ${same} |`,
      );
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
