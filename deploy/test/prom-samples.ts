import type { RunningSightline } from '../src/all-in-one.ts';
import { select } from './harness.ts';

/** One series' raw samples: [milliseconds since the epoch, value] in time order. */
export type Samples = [number, number][];

/** A series named by its metric name and every other label, in one canonical string. */
export const seriesKey = (name: string, labels: Record<string, string>): string =>
  JSON.stringify([name, Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : 1))]);

// Prometheus' JSON spells the non-finite values NaN, +Inf and -Inf; ClickHouse's toString nan,
// inf and -inf. Finite values both write in the shortest form that reads back exactly.
const SPECIAL: Readonly<Record<string, number>> = {
  NaN: NaN,
  '+Inf': Infinity,
  '-Inf': -Infinity,
  nan: NaN,
  inf: Infinity,
  '-inf': -Infinity,
};
export const parseValue = (s: string): number => SPECIAL[s] ?? Number(s);

interface PromMatrix {
  status: string;
  data: {
    resultType: string;
    result: { metric: Record<string, string>; values: [number, string][] }[];
  };
}

/**
 * Every raw sample Prometheus holds for `selector` in the `window` before `atMs`, by series: an
 * instant query of a range selector answers the samples themselves, unevaluated.
 */
export async function prometheusSamples(
  promUrl: string,
  selector: string,
  window: string,
  atMs: number,
): Promise<Map<string, Samples>> {
  const url = new URL('/api/v1/query', promUrl);
  url.searchParams.set('query', `${selector}[${window}]`);
  url.searchParams.set('time', (atMs / 1000).toFixed(3));
  const res = await fetch(url);
  const body = (await res.json()) as PromMatrix;
  if (body.status !== 'success' || body.data.resultType !== 'matrix')
    throw new Error(`prometheus answered ${JSON.stringify(body).slice(0, 500)}`);
  const out = new Map<string, Samples>();
  for (const { metric, values } of body.data.result) {
    const { __name__: name = '', ...labels } = metric;
    out.set(
      seriesKey(name, labels),
      values.map(([t, v]) => [Math.round(t * 1000), parseValue(v)]),
    );
  }
  return out;
}

/** A point as Sightline stored it, with the series key Prometheus would give it. */
export interface StoredPoint {
  key: string;
  table: 'gauge' | 'sum';
  ms: number;
  value: number;
  flags: number;
  startMs: number;
  unit: string;
  description: string;
}

interface Row {
  name: string;
  attrs: Record<string, string>;
  res: Record<string, string>;
  ms: string;
  v: string;
  flags: number;
  start: string;
  unit: string;
  description: string;
  t: 'gauge' | 'sum';
}

/**
 * Gauge and sum points of one remote-write job up to `atMs`, keyed back to Prometheus' labels:
 * `job` and `instance` are stored as the resource's service.name and service.instance.id.
 */
export async function storedPoints(
  s: RunningSightline,
  job: string,
  atMs: number,
): Promise<StoredPoint[]> {
  const part = (table: string, t: string) =>
    `SELECT MetricName AS name, Attributes AS attrs, ResourceAttributes AS res,
       toString(toUnixTimestamp64Milli(TimeUnix)) AS ms, toString(Value) AS v, Flags AS flags,
       toString(toUnixTimestamp64Milli(StartTimeUnix)) AS start, MetricUnit AS unit,
       MetricDescription AS description, '${t}' AS t
     FROM sightline.${table}
     WHERE ServiceName = {job:String} AND TimeUnix <= fromUnixTimestamp64Milli({at:Int64})`;
  const rows = await select<Row>(
    s,
    `${part('otel_metrics_gauge', 'gauge')} UNION ALL ${part('otel_metrics_sum', 'sum')}`,
    { job, at: atMs },
  );
  return rows
    .map((r) => {
      const { 'service.name': j = '', 'service.instance.id': instance = '' } = r.res;
      return {
        key: seriesKey(r.name, { ...r.attrs, job: j, instance }),
        table: r.t,
        ms: Number(r.ms),
        value: parseValue(r.v),
        flags: r.flags,
        startMs: Number(r.start),
        unit: r.unit,
        description: r.description,
      };
    })
    .sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : a.ms - b.ms));
}

/**
 * The start time the OpenTelemetry Collector's Prometheus receiver gives each sample of a
 * cumulative series: its first sample's time, and 1 ms before a sample that is lower than the one
 * before it (a reset).
 */
export function expectedStarts(samples: Samples): number[] {
  let start = samples[0]?.[0] ?? 0;
  return samples.map(([ms, v], i) => {
    const prev = samples[i - 1];
    if (prev && v < prev[1]) start = ms - 1;
    return start;
  });
}
