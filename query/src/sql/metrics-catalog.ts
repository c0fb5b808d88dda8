import type { ClickHouseClient } from '@clickhouse/client';
import type { MetricInfo, MetricType, Temporality } from '@sightline/model/api/metrics';
import { unitOfMetricName } from '@sightline/model/metric-units';
import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import { msParam, keyExpr, Params } from './metrics-keys.ts';
import { SERIES_KEY } from './metrics-prom-sql.ts';
import type { TimeRange } from './metrics-grid.ts';
import { ident } from '@sightline/store/schema/ddl-context';

/** Each metric type with its table, in the order a name found in several tables is resolved. */
export const METRIC_TYPE_TABLES: readonly { type: MetricType; table: string }[] = [
  { type: 'gauge', table: METRIC_TABLES.gauge },
  { type: 'sum', table: METRIC_TABLES.sum },
  { type: 'histogram', table: METRIC_TABLES.histogram },
  { type: 'exponential_histogram', table: METRIC_TABLES.exponentialHistogram },
  { type: 'summary', table: METRIC_TABLES.summary },
];

/** The unit sent with the metric, or else the one its name's suffix implies; '' if neither. */
export function unitOf(name: string, unit: string): string {
  if (unit !== '') return unit;
  return unitOfMetricName(name);
}

const hasTemporality = (t: MetricType): boolean =>
  t === 'sum' || t === 'histogram' || t === 'exponential_histogram';

function temporalityOf(values: readonly number[]): Temporality | undefined {
  const delta = values.includes(1);
  const cumulative = values.includes(2);
  if (delta && cumulative) return 'mixed';
  if (delta) return 'delta';
  if (cumulative) return 'cumulative';
  return undefined;
}

interface NameRow {
  name: string;
  type: MetricType;
  unit: string;
  description: string;
  monotonic: number;
  temporalities: number[];
  services: string[];
}

/** Metric names with data in the range, with type, unit and (sums, histograms) temporality. */
export async function metricNames(
  client: ClickHouseClient,
  database: string,
  opts: {
    range: TimeRange;
    prefix?: string | undefined;
    service?: string | undefined;
    limit: number;
  },
): Promise<{ metrics: MetricInfo[]; truncated: boolean }> {
  const p = new Params();
  const db = ident(database);
  const where = [
    `TimeUnix >= ${msParam(opts.range.fromMs, p)}`,
    `TimeUnix < ${msParam(opts.range.toMs, p)}`,
  ];
  if (opts.prefix) where.push(`startsWith(MetricName, ${p.add(opts.prefix, 'String')})`);
  if (opts.service !== undefined) where.push(`ServiceName = ${p.add(opts.service, 'String')}`);
  const selects = METRIC_TYPE_TABLES.map(
    ({ type, table }) => `SELECT MetricName AS name, '${type}' AS type,
        argMax(MetricUnit, TimeUnix) AS unit, argMax(MetricDescription, TimeUnix) AS description,
        ${type === 'sum' ? 'toInt8(max(IsMonotonic))' : 'toInt8(0)'} AS monotonic,
        ${hasTemporality(type) ? 'groupUniqArray(AggregationTemporality)' : "CAST([], 'Array(Int32)')"} AS temporalities,
        arraySort(groupUniqArray(ServiceName)) AS services
      FROM ${db}.${table} WHERE ${where.join(' AND ')} GROUP BY MetricName`,
  );
  const rs = await client.query({
    query: `SELECT * FROM (${selects.join('\nUNION ALL\n')}) ORDER BY name, type LIMIT ${p.add(opts.limit + 1, 'UInt32')}`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<NameRow>();
  const metrics = rows.slice(0, opts.limit).map((r): MetricInfo => {
    const info: MetricInfo = {
      name: r.name,
      type: r.type,
      unit: unitOf(r.name, r.unit),
      description: r.description,
      services: r.services,
    };
    if (r.type === 'sum') info.monotonic = r.monotonic === 1;
    const t = temporalityOf(r.temporalities);
    if (hasTemporality(r.type) && t !== undefined) info.temporality = t;
    return info;
  });
  return { metrics, truncated: rows.length > opts.limit };
}

interface CountRow {
  v: string;
  c: string;
}

/**
 * Without `key`: the attribute keys of a metric's points (point attributes as they are, resource
 * attributes as `resource.<key>`), most frequent first. With `key`: that key's most frequent values.
 */
export async function metricAttributes(
  client: ClickHouseClient,
  database: string,
  opts: {
    metric: string;
    range: TimeRange;
    key?: string | undefined;
    service?: string | undefined;
    limit: number;
  },
): Promise<{ items: { name: string; count: number }[]; truncated: boolean }> {
  const p = new Params();
  const db = ident(database);
  const where = [
    `MetricName = ${p.add(opts.metric, 'String')}`,
    `TimeUnix >= ${msParam(opts.range.fromMs, p)}`,
    `TimeUnix < ${msParam(opts.range.toMs, p)}`,
  ];
  if (opts.service !== undefined) where.push(`ServiceName = ${p.add(opts.service, 'String')}`);
  let column: string;
  if (opts.key === undefined) {
    column = `arrayJoin(arrayConcat(mapKeys(Attributes), arrayMap(k -> concat('resource.', k), mapKeys(ResourceAttributes))))`;
  } else {
    column = keyExpr(opts.key, p);
    // Only points that carry the key: a missing key would otherwise count as the value ''.
    if (opts.key.startsWith('resource.')) {
      where.push(
        `mapContains(ResourceAttributes, ${p.add(opts.key.slice('resource.'.length), 'String')})`,
      );
    } else if (opts.key !== 'service.name') {
      where.push(`mapContains(Attributes, ${p.add(opts.key, 'String')})`);
    }
  }
  const selects = METRIC_TYPE_TABLES.map(
    ({ table }) => `SELECT ${column} AS v FROM ${db}.${table} WHERE ${where.join(' AND ')}`,
  );
  const rs = await client.query({
    query: `SELECT v, count() AS c FROM (${selects.join('\nUNION ALL\n')})
      GROUP BY v ORDER BY c DESC, v LIMIT ${p.add(opts.limit + 1, 'UInt32')}`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<CountRow>();
  return {
    items: rows.slice(0, opts.limit).map((r) => ({ name: r.v, count: Number(r.c) })),
    truncated: rows.length > opts.limit,
  };
}

export interface MetricKind {
  readonly type: MetricType;
  readonly monotonic: boolean;
  readonly unit: string;
  readonly description: string;
}

interface KindRow {
  type: MetricType;
  monotonic: number;
  unit: string;
  description: string;
}

/** Which table holds the metric in the range (the first in METRIC_TYPE_TABLES order); null if none. */
export async function metricKind(
  client: ClickHouseClient,
  database: string,
  metric: string,
  range: TimeRange,
): Promise<MetricKind | null> {
  const p = new Params();
  const db = ident(database);
  // Up to and including `to`, as the query reads: a sample at the evaluation time counts.
  const where = `MetricName = ${p.add(metric, 'String')} AND TimeUnix >= ${msParam(range.fromMs, p)} AND TimeUnix <= ${msParam(range.toMs, p)}`;
  const selects = METRIC_TYPE_TABLES.map(
    ({ type, table }, i) => `SELECT * FROM (SELECT ${i} AS rank, '${type}' AS type,
        ${type === 'sum' ? 'toInt8(IsMonotonic)' : 'toInt8(0)'} AS monotonic, MetricUnit AS unit,
        MetricDescription AS description
      FROM ${db}.${table} WHERE ${where} ORDER BY TimeUnix DESC LIMIT 1)`,
  );
  const rs = await client.query({
    query: `SELECT type, monotonic, unit, description FROM (${selects.join('\nUNION ALL\n')}) ORDER BY rank LIMIT 1`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<KindRow>();
  if (!row) return null;
  return {
    type: row.type,
    monotonic: row.monotonic === 1,
    unit: unitOf(metric, row.unit),
    description: row.description,
  };
}

/** The points of one metric from range.fromMs to range.toMs, both included. */
const metricIn = (metric: string, range: TimeRange, p: Params): string =>
  `MetricName = ${p.add(metric, 'String')}
    AND TimeUnix >= ${msParam(range.fromMs, p)} AND TimeUnix <= ${msParam(range.toMs, p)}`;

/**
 * The typical time between a metric's points in the range, ms: the median over up to 100 of its
 * series of (last − first) / (points − 1); null when no series has two points.
 */
export async function sampleIntervalMs(
  client: ClickHouseClient,
  database: string,
  table: string,
  metric: string,
  range: TimeRange,
): Promise<number | null> {
  const p = new Params();
  const rs = await client.query({
    query: `SELECT median(iv) AS iv FROM (
        SELECT (toUnixTimestamp64Milli(max(TimeUnix)) - toUnixTimestamp64Milli(min(TimeUnix)))
          / (count() - 1) AS iv
        FROM ${ident(database)}.${table} WHERE ${metricIn(metric, range, p)}
        GROUP BY ${SERIES_KEY} HAVING count() > 1 LIMIT 100)`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ iv: number | null }>();
  const iv = Number(row?.iv);
  return Number.isFinite(iv) && iv > 0 ? iv : null;
}

/**
 * Which of `keys` no point of the metric carries in the range. One short read per key that stops
 * at the first point carrying it, so the usual case (every key known) costs little.
 */
export async function missingKeys(
  client: ClickHouseClient,
  database: string,
  table: string,
  metric: string,
  range: TimeRange,
  keys: readonly string[],
): Promise<string[]> {
  if (keys.length === 0) return [];
  const p = new Params();
  const where = metricIn(metric, range, p);
  const probes = keys.map((k, i) => {
    const resource = k.startsWith('resource.') && k.length > 'resource.'.length;
    const has = resource
      ? `mapContains(ResourceAttributes, ${p.add(k.slice('resource.'.length), 'String')})`
      : `mapContains(Attributes, ${p.add(k, 'String')})`;
    return `SELECT ${i} AS k FROM (SELECT 1 FROM ${ident(database)}.${table} WHERE ${where} AND ${has} LIMIT 1)`;
  });
  const rs = await client.query({
    query: probes.join('\nUNION ALL\n'),
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const found = new Set((await rs.json<{ k: number }>()).map((r) => Number(r.k)));
  return keys.filter((_, i) => !found.has(i));
}

/** The keys a metric's points carry in the range: attributes, and resource ones as `resource.<k>`. */
export async function metricKeys(
  client: ClickHouseClient,
  database: string,
  table: string,
  metric: string,
  range: TimeRange,
): Promise<Set<string>> {
  const p = new Params();
  const rs = await client.query({
    query: `SELECT groupUniqArrayArray(arrayConcat(mapKeys(Attributes),
        arrayMap(k -> concat('resource.', k), mapKeys(ResourceAttributes)))) AS keys
      FROM ${ident(database)}.${table} WHERE ${metricIn(metric, range, p)}`,
    query_params: p.values,
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ keys: string[] }>();
  return new Set(row?.keys ?? []);
}
