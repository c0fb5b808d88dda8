import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { ident } from '@sightline/store/schema/ddl-context';
import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import { Params } from '../sql/metrics-keys.ts';

/**
 * The stored names (MetricName, MetricUnit, ScopeName, IsMonotonic) each part of a metric table
 * holds, with the time span of each. A part never changes once written (a merge writes a new one),
 * so each is read once per process, and a query's names come from the parts' lists instead of a
 * scan of every sample in its window: the role Prometheus' in-memory index plays for it. Tables
 * without parts of their own (a Distributed table over a cluster) are scanned as before.
 */
export interface StoredName {
  readonly metric: string;
  readonly unit: string;
  readonly scope: string;
  readonly monotonic: boolean;
  /** The first and last sample times, ms. */
  readonly fromMs: number;
  readonly toMs: number;
}

type Settings = ClickHouseSettings;

/** Parts' names by `table \0 part`, per client and database. */
const indexes = new WeakMap<ClickHouseClient, Map<string, Map<string, StoredName[]>>>();

const q = async <T>(
  client: ClickHouseClient,
  query: string,
  p: Params,
  settings: Settings,
  signal?: AbortSignal,
): Promise<T[]> => {
  const rs = await client.query({
    query,
    query_params: p.values,
    format: 'JSONEachRow',
    clickhouse_settings: settings,
    abort_signal: signal,
  });
  return rs.json<T>();
};

/**
 * Per metric table, the stored names with samples from `fromMs` to `toMs` at least (a name whose
 * samples in a part span the window without one inside it is listed too: a read finds nothing
 * for it). A table absent from the answer has no parts to list: scan it.
 */
export async function storedNames(
  client: ClickHouseClient,
  database: string,
  settings: Settings,
  signal?: AbortSignal,
): Promise<Map<string, StoredName[]>> {
  const byDb = indexes.get(client) ?? new Map<string, Map<string, StoredName[]>>();
  indexes.set(client, byDb);
  const cache = byDb.get(database) ?? new Map<string, StoredName[]>();
  byDb.set(database, cache);
  const tables = Object.values(METRIC_TABLES);
  const p = new Params('x');
  type Part = { table: string; name: string };
  // Every MergeTree table, with its parts (none when empty: name '').
  const parts = await q<Part>(
    client,
    `SELECT t.name AS table, p.name AS name FROM system.tables AS t
      LEFT JOIN (SELECT table, name FROM system.parts
        WHERE database = ${p.add(database, 'String')} AND active) AS p ON p.table = t.name
      WHERE t.database = ${p.add(database, 'String')} AND t.name IN ${p.add(tables, 'Array(String)')}
        AND endsWith(t.engine, 'MergeTree')`,
    p,
    settings,
    signal,
  );
  const live = new Set(parts.map((x) => `${x.table}\0${x.name}`));
  for (const key of cache.keys()) if (!live.has(key)) cache.delete(key);
  const missing = parts.filter((x) => x.name !== '' && !cache.has(`${x.table}\0${x.name}`));
  if (missing.length > 0) {
    const r = new Params('y');
    const reads = tables.flatMap((table) => {
      const names = missing.filter((x) => x.table === table).map((x) => x.name);
      if (names.length === 0) return [];
      const mono = table === METRIC_TABLES.sum ? 'IsMonotonic' : 'false';
      return [
        `SELECT ${r.add(table, 'String')} AS table, _part AS part, MetricName AS metric,
          MetricUnit AS unit, ScopeName AS scope, ${mono} AS monotonic,
          toUnixTimestamp64Milli(min(TimeUnix)) AS fromMs, toUnixTimestamp64Milli(max(TimeUnix)) AS toMs
        FROM ${ident(database)}.${table} WHERE _part IN ${r.add(names, 'Array(String)')}
        GROUP BY part, metric, unit, scope, monotonic`,
      ];
    });
    type Row = StoredName & { table: string; part: string };
    const rows = await q<Row>(client, reads.join('\nUNION ALL\n'), r, settings, signal);
    for (const x of missing) cache.set(`${x.table}\0${x.name}`, []);
    for (const row of rows) {
      cache.get(`${row.table}\0${row.part}`)?.push({
        metric: row.metric,
        unit: row.unit,
        scope: row.scope,
        monotonic: Boolean(row.monotonic),
        fromMs: Number(row.fromMs),
        toMs: Number(row.toMs),
      });
    }
  }
  const out = new Map<string, StoredName[]>();
  for (const x of parts) {
    const list = out.get(x.table) ?? [];
    list.push(...(cache.get(`${x.table}\0${x.name}`) ?? []));
    out.set(x.table, list);
  }
  return out;
}

/**
 * The distinct names of a table's parts with samples in [fromMs, toMs], as SQL rows with the
 * table's naming columns (MetricName, MetricUnit, ScopeName and, for sums, IsMonotonic).
 */
export function storedNamesSql(
  names: readonly StoredName[],
  table: string,
  fromMs: number,
  toMs: number,
  p: Params,
): string {
  const seen = new Map<string, StoredName>();
  for (const n of names) {
    if (n.toMs < fromMs || n.fromMs > toMs) continue;
    seen.set(JSON.stringify([n.metric, n.unit, n.scope, n.monotonic]), n);
  }
  const list = [...seen.values()];
  const arr = (xs: string[]) => p.add(xs, 'Array(String)');
  const mono = table === METRIC_TABLES.sum ? `, x.4 = '1' AS IsMonotonic` : '';
  return `SELECT x.1 AS MetricName, x.2 AS MetricUnit, x.3 AS ScopeName${mono}
    FROM (SELECT arrayJoin(arrayZip(${arr(list.map((n) => n.metric))}, ${arr(list.map((n) => n.unit))},
      ${arr(list.map((n) => n.scope))}, ${arr(list.map((n) => (n.monotonic ? '1' : '0')))})) AS x)`;
}

/** Whether any of a table's names has samples in [fromMs, toMs]. */
export const hasNames = (names: readonly StoredName[], fromMs: number, toMs: number): boolean =>
  names.some((n) => n.toMs >= fromMs && n.fromMs <= toMs);
