import type { ClickHouseClient } from '@clickhouse/client';
import type {
  BreakerStateName,
  Dependency,
  DependencyKind,
} from '@sightline/model/api/dependencies';
import { ident } from '@sightline/store/schema/ddl-context';
import type { StepGrid, TimeRange } from './metrics-grid.ts';
import { msParam, Params } from './metrics-keys.ts';
import { redEntries, redSql, spanRangeSql, type RedRow } from './red-stats.ts';
import { PARENT_AFTER_MS, PARENT_BEFORE_MS } from './service-map.ts';
import {
  BREAKER_CALLS,
  BREAKER_ERRORS,
  breakerKey,
  breakerSeries,
  emptySeries,
} from './breaker-series.ts';

/** Database systems that are caches (OpenTelemetry `db.system.name` values). */
export const CACHE_SYSTEMS: readonly string[] = ['redis', 'memcached', 'valkey', 'hazelcast'];

// Fields of one dependency packed into its grouping key, split again after the query.
const SEP = '\u001f';

const attr = (key: string, legacy: string): string =>
  `if(SpanAttributes['${key}'] != '', SpanAttributes['${key}'], SpanAttributes['${legacy}'])`;

/** A span's database system, server host and port (`sys`, `host`, `port`), old names or new. */
export const DB_COLUMNS_SQL = `${attr('db.system.name', 'db.system')} AS sys,
        ${attr('server.address', 'net.peer.name')} AS host,
        ${attr('server.port', 'net.peer.port')} AS port`;

/** `host:port`, `host`, or '' from the columns above (of table alias `t`, if given). */
export const addressSql = (t = ''): string =>
  `if(${t}host = '', '', if(${t}port = '', ${t}host, concat(${t}host, ':', ${t}port)))`;

/** A database or cache's name: `system address`, as dependencies and the map both show it. */
export const storeNameSql = (t = ''): string =>
  `concat(${t}sys, if(address = '', '', concat(' ', address)))`;

/**
 * The service's client and producer spans in the range, each labelled with the dependency it
 * calls: its database system and address, its messaging system and destination, or the service
 * whose server/consumer span is its child (found by the same bounded join as the service map),
 * else the server address it called.
 */
export function dependencySpansSql(db: string, service: string, grid: StepGrid, p: Params): string {
  const caches = CACHE_SYSTEMS.map((s) => `'${s}'`).join(', ');
  const svc = p.add(service, 'String');
  return `(
    SELECT c.Timestamp AS Timestamp, c.Duration AS Duration, c.StatusCode AS StatusCode,
      multiIf(c.sys != '', if(c.sys IN (${caches}), 'cache', 'database'),
              c.msys != '', 'messaging', 'service') AS kind,
      ${addressSql('c.')} AS address,
      multiIf(c.sys != '', ${storeNameSql('c.')},
              c.msys != '', concat(c.msys, if(c.dest = '', '', concat(' ', c.dest))),
              peer.ServiceName != '', peer.ServiceName,
              address != '', address, 'unknown') AS dep_name,
      concat(kind, '${SEP}', dep_name, '${SEP}', if(c.sys != '', c.sys, c.msys), '${SEP}', address) AS dep
    FROM (
      SELECT TraceId, SpanId, Timestamp, Duration, StatusCode,
        ${DB_COLUMNS_SQL},
        SpanAttributes['messaging.system'] AS msys,
        SpanAttributes['messaging.destination.name'] AS dest
      FROM ${db}.otel_traces
      WHERE ${spanRangeSql(grid, service, p)} AND SpanKind IN ('Client', 'Producer')
    ) AS c
    ANY LEFT JOIN (
      SELECT TraceId, ParentSpanId, ServiceName FROM ${db}.otel_traces
      WHERE Timestamp >= ${msParam(grid.fromMs - PARENT_BEFORE_MS, p)}
        AND Timestamp < ${msParam(grid.toMs + PARENT_AFTER_MS, p)}
        AND ParentSpanId != '' AND ServiceName != ${svc} AND SpanKind IN ('Server', 'Consumer')
    ) AS peer
    ON c.TraceId = peer.TraceId AND c.SpanId = peer.ParentSpanId
  )`;
}

/** The range cut at now: a breaker's last state holds until now, not until a future `to`. */
export const untilNow = (range: TimeRange): TimeRange => ({
  fromMs: range.fromMs,
  toMs: Math.max(range.fromMs, Math.min(range.toMs, Date.now())),
});

const orNull = (s: string | undefined): string | null => (s === undefined || s === '' ? null : s);

/** RED per dependency of `service`, from its client and producer spans. */
export async function spanDependencies(
  client: ClickHouseClient,
  database: string,
  service: string,
  grid: StepGrid,
  limit: number,
): Promise<{ dependencies: Dependency[]; truncated: boolean }> {
  const db = ident(database);
  const p = new Params('d');
  const source = dependencySpansSql(db, service, grid, p);
  const sql = redSql(db, 'dep', '1', grid, limit, p, source);
  const rs = await client.query({ ...sql, format: 'JSONEachRow' });
  const { entries, truncated } = redEntries(await rs.json<RedRow>(), grid, limit);
  const dependencies = entries.map(({ name, ...stats }): Dependency => {
    const [kind, depName, system, address] = name.split(SEP);
    return {
      kind: (kind ?? 'service') as DependencyKind,
      name: depName ?? '',
      system: orNull(system),
      address: orNull(address),
      ...stats,
    };
  });
  return { dependencies, truncated };
}

interface StateRow {
  service: string;
  name: string;
  state: number;
  open_ms: string;
}

interface CallsRow {
  service: string;
  name: string;
  outcome: string;
  calls: string;
}

const STATE_NAMES: Record<number, BreakerStateName> = { 0: 'closed', 1: 'half-open', 2: 'open' };
async function rows<T>(
  client: ClickHouseClient,
  query: string,
  params: Record<string, unknown>,
): Promise<T[]> {
  const rs = await client.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

/**
 * The service's circuit breakers from their metrics: the last `circuit_breaker.state` in the
 * range, the time it was reported open (each sample holds until the next one, the last until the
 * range ends), and the calls by outcome (`circuit_breaker.calls` is cumulative: per series — the
 * attributes and the start time, which changes when a process restarts — the last value in the
 * range less the last one before it).
 */
export async function breakerDependencies(
  client: ClickHouseClient,
  database: string,
  /** One service's breakers, or every service's. */
  service: string | undefined,
  /** The range asked for, its end no later than now: an open breaker is open until then. */
  range: TimeRange,
  /** The sparkline grid: calls/s, error ratio and state per step. */
  grid: StepGrid,
): Promise<(Dependency & { service: string })[]> {
  const db = ident(database);
  const p = new Params('b');
  const ofService = service === undefined ? '1' : `ServiceName = ${p.add(service, 'String')}`;
  const from = msParam(range.fromMs, p);
  const to = msParam(range.toMs, p);
  const [states, calls, sparklines] = await Promise.all([
    rows<StateRow>(
      client,
      `SELECT service, name, argMax(Value, t) AS state,
          sumIf(least(next_t, toUnixTimestamp64Milli(${to})) - t, Value = 2) AS open_ms
        FROM (
          SELECT ServiceName AS service, Attributes['circuit_breaker.name'] AS name, Value,
            toUnixTimestamp64Milli(TimeUnix) AS t,
            leadInFrame(toUnixTimestamp64Milli(TimeUnix), 1, toUnixTimestamp64Milli(${to}))
              OVER (PARTITION BY service, name ORDER BY TimeUnix
                    ROWS BETWEEN CURRENT ROW AND 1 FOLLOWING) AS next_t
          FROM ${db}.otel_metrics_gauge
          WHERE ${ofService} AND MetricName = 'circuit_breaker.state'
            AND TimeUnix >= ${from} AND TimeUnix < ${to})
        GROUP BY service, name`,
      p.values,
    ),
    rows<CallsRow>(
      client,
      `SELECT service, name, outcome, sum(calls) AS calls FROM (
          SELECT ServiceName AS service, Attributes['circuit_breaker.name'] AS name,
            Attributes['outcome'] AS outcome,
            greatest(maxIf(Value, TimeUnix >= ${from}) - maxIf(Value, TimeUnix < ${from}), 0) AS calls
          FROM ${db}.otel_metrics_sum
          WHERE ${ofService} AND MetricName = 'circuit_breaker.calls' AND TimeUnix < ${to}
          GROUP BY service, name, outcome, Attributes, StartTimeUnix
          HAVING countIf(TimeUnix >= ${from}) > 0)
        GROUP BY service, name, outcome`,
      p.values,
    ),
    breakerSeries(client, database, service, grid),
  ]);
  const keyOf = (r: { service: string; name: string }): string => breakerKey(r.service, r.name);
  const keys = [...new Set([...states.map(keyOf), ...calls.map(keyOf)])].sort();
  const rangeSeconds = (range.toMs - range.fromMs) / 1000;
  return keys.map((key): Dependency & { service: string } => {
    const [service, name] = JSON.parse(key) as [string, string];
    const state = states.find((r) => keyOf(r) === key);
    const outcomes = Object.fromEntries(
      calls.filter((r) => keyOf(r) === key).map((r) => [r.outcome, Number(r.calls)]),
    );
    const requests = BREAKER_CALLS.reduce((n, k) => n + (outcomes[k] ?? 0), 0);
    const errors = BREAKER_ERRORS.reduce((n, k) => n + (outcomes[k] ?? 0), 0);
    return {
      service,
      kind: 'circuit_breaker',
      name,
      system: null,
      address: null,
      requests,
      errors,
      requestRate: requests / rangeSeconds,
      errorRate: requests === 0 ? null : errors / requests,
      p50Ms: null,
      p95Ms: null,
      p99Ms: null,
      series: (sparklines.get(key) ?? emptySeries(grid)).series,
      breaker: {
        state: state === undefined ? null : (STATE_NAMES[state.state] ?? null),
        openSeconds: state === undefined ? 0 : Number(state.open_ms) / 1000,
        outcomes,
        stateSeries: (sparklines.get(key) ?? emptySeries(grid)).state,
      },
    };
  });
}

/** Worst first: open breakers, then half-open, then by error rate, then by p95. */
export function worstFirst(a: Dependency, b: Dependency): number {
  const rank = (d: Dependency): number =>
    d.breaker?.state === 'open' ? 2 : d.breaker?.state === 'half-open' ? 1 : 0;
  return (
    rank(b) - rank(a) ||
    (b.errorRate ?? -1) - (a.errorRate ?? -1) ||
    (b.p95Ms ?? -1) - (a.p95Ms ?? -1) ||
    a.name.localeCompare(b.name)
  );
}
