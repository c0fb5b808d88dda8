import { expect } from 'vitest';
import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import type { RunningSightline } from '../src/all-in-one.ts';
import { select } from './harness.ts';
import {
  LOGS_READBACK,
  TRACES_READBACK,
  type Readback,
  type RecordAt,
  type Row,
  type Where,
} from './otlp-schema-readback.ts';
import { METRICS_READBACK } from './otlp-schema-readback-metrics.ts';
import {
  isDefault,
  kvMap,
  normalise,
  protoType,
  signalLeaves,
  valuesAt,
} from './otlp-schema-walk.ts';

/**
 * Reads an OTLP export request back from Sightline and compares every leaf field the store keeps
 * with what the request carried: the check shared by the descriptor walk and the real-client tests.
 */
export type Signal = 'logs' | 'traces' | 'metrics';

export const SIGNAL_SCHEMA: Record<Signal, { request: string; readback: Record<string, Where> }> = {
  logs: {
    request: 'opentelemetry.proto.collector.logs.v1.ExportLogsServiceRequest',
    readback: LOGS_READBACK,
  },
  traces: {
    request: 'opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest',
    readback: TRACES_READBACK,
  },
  metrics: {
    request: 'opentelemetry.proto.collector.metrics.v1.ExportMetricsServiceRequest',
    readback: METRICS_READBACK,
  },
};

async function apiGet(s: RunningSightline, path: string): Promise<Row> {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`);
  expect(res.status, path).toBe(200);
  return (await res.json()) as Row;
}

const BLOCKS: Record<Signal, readonly [string, string, string]> = {
  logs: ['resourceLogs', 'scopeLogs', 'logRecords'],
  traces: ['resourceSpans', 'scopeSpans', 'spans'],
  metrics: ['resourceMetrics', 'scopeMetrics', 'metrics'],
};
const POINT_KINDS = Object.keys(METRIC_TABLES) as (keyof typeof METRIC_TABLES)[];
const list = (v: unknown): Row[] => (Array.isArray(v) ? (v as Row[]) : []);

/** Every record of the request (metric data points for metrics), in the order the walk reads. */
export function recordsOf(signal: Signal, request: object): RecordAt[] {
  const [top, scopes, items] = BLOCKS[signal];
  const out: RecordAt[] = [];
  let scope = 0;
  let metric = 0;
  for (const [resource, rb] of list((request as Row)[top]).entries()) {
    for (const sb of list(rb[scopes])) {
      for (const item of list(sb[items])) {
        if (signal !== 'metrics') out.push({ resource, scope, metric: -1, sent: item });
        else {
          for (const kind of POINT_KINDS) {
            const data = item[kind] as Row | undefined;
            for (const sent of list(data?.dataPoints)) {
              const tags = {
                $kind: kind,
                $name: item.name,
                $temporality: data?.aggregationTemporality,
              };
              out.push({ resource, scope, metric, sent: { ...sent, ...tags } });
            }
          }
          metric++;
        }
      }
      scope++;
    }
  }
  return out;
}

const FLOAT_COLUMNS = [
  'Value',
  'Sum',
  'Min',
  'Max',
  'ExplicitBounds',
  'Exemplars.Value',
  'ValueAtQuantiles.Quantile',
  'ValueAtQuantiles.Value',
];
const DENORMALS: Record<string, number> = { nan: NaN, inf: Infinity, '-inf': -Infinity };
const denormal = (v: unknown): unknown =>
  Array.isArray(v) ? v.map(denormal) : typeof v === 'string' ? (DENORMALS[v] ?? v) : v;

const canonical = (m: unknown): string =>
  JSON.stringify(Object.entries((m ?? {}) as Record<string, unknown>).sort());

/**
 * Each sent data point's stored row, found by metric name, attributes and time, tagged with the
 * point's index (`$i`); rows per table in the request's order. Expects nothing stored unsent.
 */
function matchPoints(
  at: readonly RecordAt[],
  stored: Record<string, Row[]>,
): Record<string, Row[]> {
  const out: Record<string, Row[]> = {};
  for (const [i, { sent }] of at.entries()) {
    const table = METRIC_TABLES[sent.$kind as keyof typeof METRIC_TABLES];
    const key = canonical(kvMap(sent.attributes ?? []));
    const t = String((sent.timeUnixNano as string | number | undefined) ?? '0');
    const rows = stored[table] ?? [];
    const k = rows.findIndex(
      (r) => r.MetricName === sent.$name && r.t === t && canonical(r.Attributes) === key,
    );
    expect(
      k,
      `a stored ${table} row for ${String(sent.$name)} ${key} at ${t}`,
    ).toBeGreaterThanOrEqual(0);
    (out[table] ??= []).push({ ...rows[k], $i: i });
    rows.splice(k, 1);
  }
  expect(Object.values(stored).flat(), 'stored rows that match no sent point').toEqual([]);
  return out;
}

/** What Sightline returns for the request's records, in the request's order. */
async function readBack(
  s: RunningSightline,
  signal: Signal,
  request: object,
  service: string,
): Promise<Readback> {
  const type = protoType(SIGNAL_SCHEMA[signal].request);
  const where = { svc: service };
  const at = recordsOf(signal, request);
  if (signal === 'logs') {
    const ts = valuesAt(type, request, 'resourceLogs.scopeLogs.logRecords.timeUnixNano');
    const ms = ts.map((t) => Number(BigInt(t as string) / 1_000_000n));
    const q = encodeURIComponent(`service:"${service}"`);
    const page = await apiGet(
      s,
      `/logs?q=${q}&from=${Math.min(...ms)}&to=${Math.max(...ms) + 1}&limit=1000`,
    );
    // The records of a test have distinct times: each row is put where its time is in the request
    // (an exporter need not send them in time order).
    const position = new Map(ts.map((t, i) => [String(BigInt(t as string)), i]));
    const inRequestOrder = (rows: Row[], time: (r: Row) => unknown) =>
      rows.sort((a, b) => position.get(String(time(a)))! - position.get(String(time(b)))!);
    const rows = inRequestOrder(page.rows as Row[], (r) => r.timestamp);
    const store = await select<Row>(
      s,
      `SELECT *, toString(toUnixTimestamp64Nano(Timestamp)) AS t FROM sightline.otel_logs WHERE ServiceName = {svc:String}`,
      where,
    );
    return { api: rows, store: { otel_logs: inRequestOrder(store, (r) => r.t) }, at };
  }
  if (signal === 'traces') {
    const spanIds = valuesAt(type, request, 'resourceSpans.scopeSpans.spans.spanId');
    const traces = new Set(valuesAt(type, request, 'resourceSpans.scopeSpans.spans.traceId'));
    const spans: Row[] = [];
    for (const id of traces)
      spans.push(...((await apiGet(s, `/traces/${id as string}`)).spans as Row[]));
    return {
      api: spanIds.map((id) => spans.find((x) => x.spanId === id) ?? {}),
      store: {},
      at,
    };
  }
  const store: Record<string, Row[]> = {};
  for (const table of Object.values(METRIC_TABLES)) {
    const exemplarTimes =
      table === METRIC_TABLES.summary
        ? ''
        : ', arrayMap(x -> toString(toUnixTimestamp64Nano(x)), Exemplars.TimeUnix) AS et';
    store[table] = await select(
      s,
      `SELECT *, toString(toUnixTimestamp64Nano(TimeUnix)) AS t,
         toString(toUnixTimestamp64Nano(StartTimeUnix)) AS st${exemplarTimes}
       FROM sightline.${table} WHERE ServiceName = {svc:String} ORDER BY TimeUnix`,
      where,
      // NaN and ±Inf are values too: quoted ("nan"), since JSON has no literal for them.
      { output_format_json_quote_denormals: 1 },
    );
    for (const row of store[table]) {
      for (const c of FLOAT_COLUMNS) if (c in row) row[c] = denormal(row[c]);
    }
  }
  return { api: [], store: matchPoints(at, store), at };
}

/**
 * Expects every stored leaf field of `request` (OTLP/JSON form) to come back as it was sent; with
 * `everyField`, also that the request sets each of them to a non-default value. Returns how many
 * fields were compared.
 */
export async function expectStoredAsSent(
  s: RunningSightline,
  signal: Signal,
  request: object,
  service: string,
  everyField = false,
): Promise<number> {
  const { request: name, readback } = SIGNAL_SCHEMA[signal];
  const back = await readBack(s, signal, request, service);
  let compared = 0;
  for (const leaf of signalLeaves(name)) {
    const where = readback[leaf.path]!;
    if ('unstored' in where) continue;
    const sent = valuesAt(protoType(name), request, leaf.path).map((v) => normalise(leaf.field, v));
    if (everyField) {
      expect(
        sent.some((v) => !isDefault(v)),
        `the request sets ${leaf.path}`,
      ).toBe(true);
    }
    const got = 'api' in where ? where.api(back.api, back) : where.store(back.store, back);
    expect(got, leaf.path).toEqual(sent);
    compared++;
  }
  return compared;
}

/**
 * What a real exporter put on the wire (a WireRecorder's request) comes back field by field: every
 * field Sightline stores is compared, for every record the request carried.
 */
export async function expectRecordedAsStored(
  s: RunningSightline,
  signal: Signal,
  request: object,
  service: string,
): Promise<void> {
  expect(recordsOf(signal, request).length, 'records sent').toBeGreaterThan(0);
  const stored = Object.values(SIGNAL_SCHEMA[signal].readback).filter((w) => !('unstored' in w));
  expect(await expectStoredAsSent(s, signal, request, service)).toBe(stored.length);
}
