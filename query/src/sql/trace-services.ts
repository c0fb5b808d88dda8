import type { ClickHouseClient } from '@clickhouse/client';
import type { Operation, ServiceSignal, ServiceSignals } from '@sightline/model/api/traces';
import type { TimeRangeNs } from './trace-time-range.ts';
import { ident } from '@sightline/store/schema/ddl-context';

/** More than any dashboard list can show; a guard against label explosions, not a page size. */
export const MAX_SERVICES = 10_000;
export const MAX_OPERATIONS = 10_000;

const IN_RANGE = `Timestamp >= fromUnixTimestamp64Nano({from:Int64})
      AND Timestamp < fromUnixTimestamp64Nano({to:Int64})`;

// Each signal's table and time column; a service's metrics may sit in any of the five tables.
const SIGNAL_SOURCES: readonly (readonly [ServiceSignal, string, string])[] = [
  ['traces', 'otel_traces', 'Timestamp'],
  ['logs', 'otel_logs', 'Timestamp'],
  ...['gauge', 'sum', 'histogram', 'exp_histogram', 'summary'].map(
    (t) => ['metrics', `otel_metrics_${t}`, 'TimeUnix'] as const,
  ),
];
const SIGNAL_ORDER: readonly ServiceSignal[] = ['traces', 'logs', 'metrics'];

/**
 * Services that sent spans, logs or metrics in the range, sorted, with the signals each sent.
 * ServiceName leads every table's sort key, so each part is cheap. Logs and metrics without a
 * service name (a remote-write series without `job`) name no service.
 */
export async function servicesInRange(
  client: ClickHouseClient,
  database: string,
  range: TimeRangeNs,
): Promise<ServiceSignals[]> {
  const db = ident(database);
  const parts = SIGNAL_SOURCES.map(
    ([signal, table, time]) => `SELECT DISTINCT ServiceName AS service, '${signal}' AS signal
      FROM ${db}.${table}
      WHERE ${time} >= fromUnixTimestamp64Nano({from:Int64})
        AND ${time} < fromUnixTimestamp64Nano({to:Int64})
        ${signal === 'traces' ? '' : "AND ServiceName != ''"}`,
  );
  const rs = await client.query({
    query: `SELECT service, groupUniqArray(signal) AS signals
      FROM (${parts.join('\n      UNION ALL ')})
      GROUP BY service
      ORDER BY service
      LIMIT {limit:UInt32}`,
    query_params: { from: range.from, to: range.to, limit: MAX_SERVICES },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ service: string; signals: ServiceSignal[] }>();
  return rows.map((r) => ({
    service: r.service,
    signals: SIGNAL_ORDER.filter((s) => r.signals.includes(s)),
  }));
}

/** Span names and kinds of one service in the range, with how many spans each had. */
export async function operationsInRange(
  client: ClickHouseClient,
  database: string,
  service: string,
  range: TimeRangeNs,
): Promise<Operation[]> {
  const rs = await client.query({
    query: `SELECT SpanName AS name, SpanKind AS kind, count() AS spanCount
      FROM ${ident(database)}.otel_traces
      WHERE ServiceName = {service:String}
        AND ${IN_RANGE}
      GROUP BY SpanName, SpanKind
      ORDER BY name, kind
      LIMIT {limit:UInt32}`,
    query_params: { service, from: range.from, to: range.to, limit: MAX_OPERATIONS },
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ name: string; kind: string; spanCount: string }>();
  return rows.map((r) => ({ name: r.name, kind: r.kind, spanCount: Number(r.spanCount) }));
}
