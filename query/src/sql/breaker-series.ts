import type { ClickHouseClient } from '@clickhouse/client';
import type { NumberPoint } from '@sightline/model/api/metrics';
import type { RedSeries } from '@sightline/model/api/services';
import { ident } from '@sightline/store/schema/ddl-context';
import type { StepGrid } from './metrics-grid.ts';
import { msParam, Params } from './metrics-keys.ts';

/** Outcomes that count as calls, and those of them that count as errors. */
export const BREAKER_ERRORS = ['failure', 'timeout', 'rejected'];
export const BREAKER_CALLS = ['success', ...BREAKER_ERRORS];

/** A breaker's sparklines: calls/s and error ratio per step, and its state at each step's end. */
export interface BreakerSeries {
  readonly series: RedSeries;
  /** 0 closed, 1 half-open, 2 open; null before its first report in the range. */
  readonly state: NumberPoint[];
}

interface StateStepRow {
  service: string;
  name: string;
  b: string;
  state: number;
}

interface CallsStepRow {
  service: string;
  name: string;
  outcome: string;
  /** One cumulative series (attributes and start time): its last value per step, ordered. */
  series: string;
  b: string;
  v: number;
  /** The series' last value before the range, 0 if none. */
  base: number;
}

/** A breaker without reports in the range: no calls, no error ratio, no state. */
export function emptySeries(grid: StepGrid): BreakerSeries {
  const points = (fill: number | null) =>
    Array.from({ length: grid.points }, (_, i): NumberPoint => [
      grid.fromMs + i * grid.stepMs,
      fill,
    ]);
  return {
    series: { rate: points(0), errorRate: points(null), p95Ms: points(null) },
    state: points(null),
  };
}

export const breakerKey = (service: string, name: string): string =>
  JSON.stringify([service, name]);

async function rows<T>(client: ClickHouseClient, query: string, p: Params): Promise<T[]> {
  const rs = await client.query({ query, query_params: p.values, format: 'JSONEachRow' });
  return rs.json<T>();
}

/**
 * Per step of `grid`, each breaker's calls (the increase of the cumulative `circuit_breaker.calls`
 * within the step, a drop read as a restart) and its reported state, holding until the next report.
 */
export async function breakerSeries(
  client: ClickHouseClient,
  database: string,
  service: string | undefined,
  grid: StepGrid,
): Promise<Map<string, BreakerSeries>> {
  const db = ident(database);
  const p = new Params('bs');
  const ofService = service === undefined ? '1' : `ServiceName = ${p.add(service, 'String')}`;
  const from = msParam(grid.fromMs, p);
  const to = msParam(grid.toMs, p);
  const step = p.add(grid.stepMs, 'Int64');
  const bucket = `intDiv(toUnixTimestamp64Milli(TimeUnix) - ${p.add(grid.fromMs, 'Int64')}, ${step})`;
  const [states, calls] = await Promise.all([
    rows<StateStepRow>(
      client,
      `SELECT ServiceName AS service, Attributes['circuit_breaker.name'] AS name, ${bucket} AS b,
          argMax(Value, TimeUnix) AS state
        FROM ${db}.otel_metrics_gauge
        WHERE ${ofService} AND MetricName = 'circuit_breaker.state'
          AND TimeUnix >= ${from} AND TimeUnix < ${to}
        GROUP BY service, name, b ORDER BY b`,
      p,
    ),
    rows<CallsStepRow>(
      client,
      `SELECT service, name, outcome, series, b, v, base FROM (
          SELECT ServiceName AS service, Attributes['circuit_breaker.name'] AS name,
            Attributes['outcome'] AS outcome, toString(cityHash64(Attributes, StartTimeUnix)) AS series,
            ${bucket} AS b, max(Value) AS v
          FROM ${db}.otel_metrics_sum
          WHERE ${ofService} AND MetricName = 'circuit_breaker.calls'
            AND TimeUnix >= ${from} AND TimeUnix < ${to}
          GROUP BY service, name, outcome, series, b
        ) AS s
        LEFT JOIN (
          SELECT toString(cityHash64(Attributes, StartTimeUnix)) AS series, max(Value) AS base
          FROM ${db}.otel_metrics_sum
          WHERE ${ofService} AND MetricName = 'circuit_breaker.calls' AND TimeUnix < ${from}
          GROUP BY series
        ) AS before USING (series)
        ORDER BY series, b`,
      p,
    ),
  ]);
  const out = new Map<string, BreakerSeries>();
  const at = (i: number): number => grid.fromMs + i * grid.stepMs;
  const get = (service: string, name: string): BreakerSeries => {
    const key = breakerKey(service, name);
    let s = out.get(key);
    if (s === undefined) {
      s = emptySeries(grid);
      out.set(key, s);
    }
    return s;
  };
  // Calls and errors per step, summed over the outcomes' series.
  const counts = new Map<string, { calls: number[]; errors: number[] }>();
  let last: { series: string; v: number } | undefined;
  for (const r of calls) {
    const prev = last?.series === r.series ? last.v : Number(r.base ?? 0);
    const v = Number(r.v);
    last = { series: r.series, v };
    const i = Number(r.b);
    if (!BREAKER_CALLS.includes(r.outcome) || i < 0 || i >= grid.points) continue;
    const key = breakerKey(r.service, r.name);
    get(r.service, r.name);
    const c = counts.get(key) ?? {
      calls: new Array<number>(grid.points).fill(0),
      errors: new Array<number>(grid.points).fill(0),
    };
    counts.set(key, c);
    const added = v >= prev ? v - prev : v;
    c.calls[i] = (c.calls[i] ?? 0) + added;
    if (BREAKER_ERRORS.includes(r.outcome)) c.errors[i] = (c.errors[i] ?? 0) + added;
  }
  for (const [key, c] of counts) {
    const s = out.get(key);
    if (s === undefined) continue;
    c.calls.forEach((n, i) => {
      s.series.rate[i] = [at(i), n / (grid.stepMs / 1000)];
      s.series.errorRate[i] = [at(i), n === 0 ? null : (c.errors[i] ?? 0) / n];
    });
  }
  for (const r of states) {
    const i = Number(r.b);
    if (i < 0 || i >= grid.points) continue;
    const s = get(r.service, r.name);
    // Reported here: holds until the next report (rows come in step order).
    for (let j = i; j < grid.points; j++) s.state[j] = [at(j), Number(r.state)];
  }
  return out;
}
