import type { ClickHouseClient } from '@clickhouse/client';
import type { RedSeries, RedStats } from '@sightline/model/api/services';
import type { NumberPoint } from '@sightline/model/api/metrics';
import type { CompiledSearch } from '../search/compile.ts';
import type { StepGrid, TimeRange } from './metrics-grid.ts';
import { msParam, Params } from './metrics-keys.ts';
import { ident } from '@sightline/store/schema/ddl-context';
import { RED_HISTOGRAM_TABLE } from '@sightline/store/schema/red-histogram';
import { RED_QUANTILES, TRACES_TABLE } from '@sightline/store/schema/traces';
import {
  HISTOGRAM_QUANTILES,
  histogramCoversFrom,
  servedByHistogram,
} from './red-histogram-sql.ts';

const ENTRY_KINDS = `('Server', 'Consumer')`;

/**
 * The spans that count as a service's requests: kind Server or Consumer, or every span of a
 * service that has none of those in the range (batch jobs, services whose entry is not instrumented).
 */
export function entrySpansSql(db: string, timeWhere: string, table: string = TRACES_TABLE): string {
  return `(SpanKind IN ${ENTRY_KINDS} OR ServiceName NOT IN (
    SELECT ServiceName FROM ${db}.${table}
    WHERE ${timeWhere} AND SpanKind IN ${ENTRY_KINDS} GROUP BY ServiceName))`;
}

/**
 * The time (and service) predicate for otel_traces; the sort key leads with ServiceName. With
 * `byMinute` (whole-minute bounds only) the same rows are named by their minute, which is what
 * lets ClickHouse answer from the per-minute projection (store/src/schema/traces.ts).
 */
export function spanRangeSql(
  range: TimeRange,
  service: string | undefined,
  p: Params,
  byMinute = false,
  /** The time column: `Minute` for the histogram table. */
  column = byMinute ? 'toStartOfMinute(Timestamp)' : 'Timestamp',
): string {
  const t = column;
  const parts = [`${t} >= ${msParam(range.fromMs, p)}`, `${t} < ${msParam(range.toMs, p)}`];
  if (service !== undefined) parts.unshift(`ServiceName = ${p.add(service, 'String')}`);
  return parts.join(' AND ');
}

export interface RedInput {
  readonly database: string;
  readonly grid: StepGrid;
  /** Per service, or per operation (SpanName) of `service`. */
  readonly by: 'service' | 'operation';
  readonly service?: string | undefined;
  readonly search?: CompiledSearch | undefined;
  readonly limit: number;
}

export interface RedEntry extends RedStats {
  readonly name: string;
  readonly series: RedSeries;
}

/** A total row (`step` 0) or one step's row (`step` 1) of a name. */
export interface RedRow {
  name: string;
  step: number;
  b: string;
  requests: string;
  errors: string;
  q: (number | null)[];
}

const ms = (ns: number | null | undefined): number | null =>
  ns === null || ns === undefined || !Number.isFinite(ns) ? null : ns / 1e6;

/**
 * Rate, errors and duration percentiles per service or per operation, overall and per step.
 * Up to ROLLUP_FROM_MS, percentiles are ClickHouse's quantileExactInclusive: exact, and linear
 * between the two closest ranks (numpy's default, Excel's PERCENTILE.INC), so a p95 is the number
 * a user computes by hand. It holds one UInt64 per span of the group in memory and reads every
 * span: at 10M spans a day, 7.5 s for every service over 24 h. Longer ranges at whole-minute
 * steps are answered from the per-minute projection (see redRollupSql): counts and rates stay
 * exact, percentiles are estimates: from the per-minute histogram table (redHistogramSql) within
 * 4.5 %, or t-digests (redRollupSql) for searches that name span columns the table lacks.
 */
export async function redStats(
  client: ClickHouseClient,
  input: RedInput,
): Promise<{ entries: RedEntry[]; truncated: boolean }> {
  const db = ident(input.database);
  const p = new Params('r');
  const { grid } = input;
  const rollup = usesRollup(grid);
  const histogram =
    rollup &&
    servedByHistogram(input.search) &&
    grid.fromMs >= (await histogramCoversFrom(client, db));
  const range = histogram
    ? spanRangeSql(grid, input.service, p, true, 'Minute')
    : spanRangeSql(grid, input.service, p, rollup);
  const where = [range, entrySpansSql(db, range, histogram ? RED_HISTOGRAM_TABLE : TRACES_TABLE)];
  if (input.search) where.push(`(${input.search.sql})`);
  const whereSql = where.join(' AND ');
  const params = { ...(input.search?.params ?? {}) };
  const nameCol = input.by === 'service' ? 'ServiceName' : 'SpanName';

  const build = histogram ? redHistogramSql : rollup ? redRollupSql : redSql;
  const sql = build(db, nameCol, whereSql, grid, input.limit, p);
  const rs = await client.query({
    query: sql.query,
    query_params: { ...params, ...sql.query_params },
    format: 'JSONEachRow',
  });
  return redEntries(await rs.json<RedRow>(), grid, input.limit);
}

/** Turns the rows of `redSql` into entries with their series; `limit` as given to `redSql`. */
export function redEntries(
  found: RedRow[],
  grid: StepGrid,
  limit: number,
): { entries: RedEntry[]; truncated: boolean } {
  const totals = found.filter((r) => r.step === 0);
  const truncated = totals.length > limit;
  const kept = totals.slice(0, limit);
  if (kept.length === 0) return { entries: [], truncated };
  const steps = found.filter((r) => r.step === 1);

  const stepSeconds = grid.stepMs / 1000;
  const seriesByName = new Map<string, RedSeries>();
  const emptySeries = (): RedSeries => {
    const at = (i: number) => grid.fromMs + i * grid.stepMs;
    const points = (fill: number | null) =>
      Array.from({ length: grid.points }, (_, i): NumberPoint => [at(i), fill]);
    return { rate: points(0), errorRate: points(null), p95Ms: points(null) };
  };
  for (const t of kept) seriesByName.set(t.name, emptySeries());
  for (const s of steps) {
    const series = seriesByName.get(s.name);
    const i = (Number(s.b) - grid.fromMs) / grid.stepMs;
    const requests = Number(s.requests);
    if (!series || !series.rate[i] || requests === 0) continue;
    series.rate[i] = [series.rate[i][0], requests / stepSeconds];
    series.errorRate[i] = [series.rate[i][0], Number(s.errors) / requests];
    series.p95Ms[i] = [series.rate[i][0], ms(s.q[1])];
  }
  const rangeSeconds = (grid.toMs - grid.fromMs) / 1000;
  const entries = kept.map((t): RedEntry => {
    const requests = Number(t.requests);
    const errors = Number(t.errors);
    return {
      name: t.name,
      requests,
      errors,
      requestRate: requests / rangeSeconds,
      errorRate: requests === 0 ? null : errors / requests,
      p50Ms: ms(t.q[0]),
      p95Ms: ms(t.q[1]),
      p99Ms: ms(t.q[2]),
      series: seriesByName.get(t.name) ?? emptySeries(),
    };
  });
  return { entries, truncated };
}

/**
 * Totals and per-step rows in one scan (GROUPING SETS), ranked by total requests: only the
 * `limit + 1` busiest names come back, totals first, so a store with many names returns a bounded
 * answer. The same quantile function serves both, so a step's p95 is computed as a total's is.
 */
export function redSql(
  db: string,
  nameCol: string,
  whereSql: string,
  grid: StepGrid,
  limit: number,
  p: Params,
  /** What the spans are read from: the span table by default, or a subquery with its columns. */
  source = `${db}.otel_traces`,
): { query: string; query_params: Record<string, unknown> } {
  const step = p.add(grid.stepMs, 'Int64');
  const rows = `SELECT ${nameCol} AS name, intDiv(toUnixTimestamp64Milli(Timestamp), ${step}) * ${step} AS b,
            toUInt8(1 - grouping(b)) AS step, count() AS requests, countIf(StatusCode = 'Error') AS errors,
            quantilesExactInclusive(0.5, 0.95, 0.99)(Duration) AS q
          FROM ${source} WHERE ${whereSql}
          GROUP BY GROUPING SETS ((name), (name, b))`;
  return { query: ranked(rows, limit, p), query_params: p.values };
}

/** Keeps the `limit + 1` names of most requests among total (step 0) and step rows. */
function ranked(rows: string, limit: number, p: Params): string {
  const keep = p.add(limit + 1, 'UInt32');
  return `SELECT name, step, b, requests, errors, q FROM (
      SELECT *, dense_rank() OVER (ORDER BY total DESC, name) AS rank FROM (
        SELECT *, max(if(step = 0, requests, 0)) OVER (PARTITION BY name) AS total FROM (
          ${rows})))
    WHERE rank <= ${keep}
    ORDER BY step, total DESC, name, b`;
}

/** Ranges at least this long, at steps of whole minutes, are read from the per-minute rollup. */
export const ROLLUP_FROM_MS = 3 * 3_600_000;

export const usesRollup = (grid: StepGrid): boolean =>
  grid.stepMs % 60_000 === 0 && grid.toMs - grid.fromMs >= ROLLUP_FROM_MS;

/**
 * redSql's answer in a form the per-minute projection `red_1m` of otel_traces serves: the time
 * bounds and buckets are named by the span's minute, the aggregates are the projection's own, and
 * totals and steps are two GROUP BYs (a projection cannot serve GROUPING SETS). ClickHouse uses
 * the projection wherever a part has it and the filter names only its keys (service, operation,
 * kind), and reads the spans otherwise, so the answer is the same either way.
 */
export const redRollupSql: typeof redSql = (db, nameCol, whereSql, grid, limit, p) => {
  const step = p.add(grid.stepMs, 'Int64');
  const aggregates = `count() AS requests, countIf(StatusCode = 'Error') AS errors,
            ${RED_QUANTILES} AS q`;
  const rows = `SELECT ${nameCol} AS name, toInt64(0) AS b, toUInt8(0) AS step, ${aggregates}
          FROM ${db}.otel_traces WHERE ${whereSql} GROUP BY name
          UNION ALL
          SELECT ${nameCol} AS name,
            intDiv(toInt64(toUnixTimestamp(toStartOfMinute(Timestamp))) * 1000, ${step}) * ${step} AS b,
            toUInt8(1) AS step, ${aggregates}
          FROM ${db}.otel_traces WHERE ${whereSql} GROUP BY name, b`;
  return { query: ranked(rows, limit, p), query_params: p.values };
};

/**
 * redSql's answer from the per-minute histogram table (store migration 14), `whereSql` naming its
 * columns: one scan merges each step's rows (a sum of counts per bucket), and the totals are the
 * merge of those few step rows. Counts and rates are exact; percentiles within 4.5 %.
 */
export const redHistogramSql: typeof redSql = (db, nameCol, whereSql, grid, limit, p) => {
  const step = p.add(grid.stepMs, 'Int64');
  const steps = `SELECT ${nameCol} AS name,
            intDiv(toInt64(toUnixTimestamp(Minute)) * 1000, ${step}) * ${step} AS b,
            sum(Requests) AS requests, sumIf(Requests, StatusCode = 'Error') AS errors,
            sumMap(Latency) AS Latency
          FROM ${db}.${RED_HISTOGRAM_TABLE} WHERE ${whereSql} GROUP BY name, b`;
  const rows = `SELECT name, b, toUInt8(1 - grouping(b)) AS step, sum(requests) AS requests,
            sum(errors) AS errors, ${HISTOGRAM_QUANTILES}
          FROM (${steps}) GROUP BY GROUPING SETS ((name), (name, b))`;
  return { query: ranked(rows, limit, p), query_params: p.values };
};
