import { describe, expect, it } from 'vitest';
import { sightline, useSightline } from '../../test/use-sightline.ts';
import { PromQLError } from './errors.ts';
import { evaluateInstant, evaluateRange, type PromQLContext } from './evaluate.ts';

/**
 * PromQL over samples written through the OTLP endpoint: series with no instrumentation scope
 * (what remote write stores) keep their names; OTLP metrics get the exporter's names. Every
 * answer below is worked out by hand from the samples.
 */

const S = 1000;
// A whole minute, half an hour ago: samples every 15 s from B.
const B = Math.floor((Date.now() - 1_800_000) / 60_000) * 60_000;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const attrs = (a: Record<string, string>) =>
  Object.entries(a).map(([key, v]) => ({ key, value: { stringValue: v } }));

async function send(resource: Record<string, string>, scope: string, metrics: unknown[]) {
  const res = await fetch(`${sightline().otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: attrs(resource) },
          scopeMetrics: [{ scope: { name: scope }, metrics }],
        },
      ],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
}

const points = (labels: Record<string, string>, values: (number | 'stale')[], start = B) =>
  values.map((v, k) => ({
    attributes: attrs(labels),
    timeUnixNano: ns(B + k * 15 * S),
    startTimeUnixNano: ns(start),
    ...(v === 'stale' ? { asDouble: 0, flags: 1 } : { asDouble: v }),
  }));

// Remote-write style: temp{room} at B, B+15 s, …; the hall's goes stale at B+45 s.
const KITCHEN = [20, 21, 22.5, 23, 0, -4];
const HALL = [10, 11, 12, 'stale' as const];
// A counter with a reset after the 4th sample.
const REQS = [0, 10, 25, 40, 5, 20];

async function setup() {
  const shop = { 'service.name': 'shop', 'service.instance.id': 'a:1' };
  await send(shop, '', [
    {
      name: 'temp',
      gauge: {
        dataPoints: [...points({ room: 'kitchen' }, KITCHEN), ...points({ room: 'hall' }, HALL)],
      },
    },
    {
      name: 'reqs_total',
      sum: {
        aggregationTemporality: 2,
        isMonotonic: true,
        dataPoints: [
          ...points({ path: '/ä' }, REQS),
          ...points({ path: '/b' }, [1, 1, 1, 1, 1, 1]),
        ],
      },
    },
  ]);
  await send(
    { 'service.name': 'api', 'service.namespace': 'prod', 'service.instance.id': 'i-9' },
    'otel',
    [
      {
        name: 'http.server.active_requests',
        unit: '{request}',
        gauge: { dataPoints: points({ 'http.route': '/x' }, [3]) },
      },
      { name: 'cpu.utilization', unit: '1', gauge: { dataPoints: points({}, [0.5]) } },
      { name: 'db.io', unit: 'By/s', gauge: { dataPoints: points({}, [7]) } },
      {
        name: 'http.requests',
        unit: '{request}',
        sum: { aggregationTemporality: 2, isMonotonic: true, dataPoints: points({}, [1, 2]) },
      },
      {
        name: 'queue.size',
        unit: '',
        sum: { aggregationTemporality: 2, isMonotonic: false, dataPoints: points({}, [4]) },
      },
      {
        name: 'http.server.duration',
        unit: 'ms',
        histogram: {
          aggregationTemporality: 2,
          dataPoints: [
            {
              attributes: [],
              startTimeUnixNano: ns(B),
              timeUnixNano: ns(B),
              count: '6',
              sum: 450,
              bucketCounts: ['1', '2', '3'],
              explicitBounds: [10, 100.5],
            },
          ],
        },
      },
    ],
  );
}

useSightline(setup);

const ctx = (limits: Partial<PromQLContext['limits']> = {}): PromQLContext => ({
  client: sightline().store.reader,
  database: sightline().store.database,
  limits: { maxSeries: 1000, maxSamples: 100_000, timeoutMs: 30_000, ...limits },
});

const instant = async (q: string, t: number) => (await evaluateInstant(ctx(), q, t)).data;
const vec = async (q: string, t: number) => {
  const d = await instant(q, t);
  if (d.resultType !== 'vector') throw new Error(`not a vector: ${d.resultType}`);
  return d.result.map((r) => [r.metric, r.value[1]]);
};

describe('selectors', () => {
  it('reads remote-write series under their own names and labels', async () => {
    expect(await vec('temp', B + 50 * S)).toEqual([
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'kitchen' }, '23'],
    ]);
    expect(await vec('temp', B + 40 * S)).toEqual([
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'hall' }, '12'],
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'kitchen' }, '22.5'],
    ]);
  });
});

describe('OTLP metrics under the OpenTelemetry Prometheus exporter names', () => {
  it('names gauges, sums and histograms with unit and _total suffixes, job with namespace', async () => {
    const series = async (q: string) => (await vec(q, B + S)).map(([m]) => m);
    const res = { job: 'prod/api', instance: 'i-9' };
    expect(await series('http_server_active_requests')).toEqual([
      { __name__: 'http_server_active_requests', http_route: '/x', ...res },
    ]);
    expect(await series('cpu_utilization_ratio')).toEqual([
      { __name__: 'cpu_utilization_ratio', ...res },
    ]);
    expect(await series('db_io_bytes_per_second')).toEqual([
      { __name__: 'db_io_bytes_per_second', ...res },
    ]);
    expect(await series('http_requests_total')).toEqual([
      { __name__: 'http_requests_total', ...res },
    ]);
    expect(await series('queue_size')).toEqual([{ __name__: 'queue_size', ...res }]);
    expect(await vec('http_server_duration_milliseconds_bucket', B + S)).toEqual([
      [{ __name__: 'http_server_duration_milliseconds_bucket', le: '+Inf', ...res }, '6'],
      [{ __name__: 'http_server_duration_milliseconds_bucket', le: '10', ...res }, '1'],
      [{ __name__: 'http_server_duration_milliseconds_bucket', le: '100.5', ...res }, '3'],
    ]);
    expect(await vec('http_server_duration_milliseconds_sum', B + S)).toEqual([
      [{ __name__: 'http_server_duration_milliseconds_sum', ...res }, '450'],
    ]);
    expect(await vec('{__name__=~"http_server_duration_milliseconds_(count|sum)"}', B + S)).toEqual(
      [
        [{ __name__: 'http_server_duration_milliseconds_count', ...res }, '6'],
        [{ __name__: 'http_server_duration_milliseconds_sum', ...res }, '450'],
      ],
    );
    expect(await series('{job="prod/api", __name__=~"cpu.*|queue.*"}')).toEqual([
      { __name__: 'cpu_utilization_ratio', ...res },
      { __name__: 'queue_size', ...res },
    ]);
  });
});

describe('instant selectors', () => {
  it('applies each matcher op, the lookback, staleness, offset and @', async () => {
    const t = B + 45 * S;
    expect(await vec('temp{room!="kitchen"}', B + 30 * S)).toEqual([
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'hall' }, '12'],
    ]);
    // The hall went stale at +45 s: gone at once, not after 5 min.
    expect(await vec('temp{room=~"h.*"}', t)).toEqual([]);
    expect(await vec('temp{room!~"h.*"}', t)).toEqual([
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'kitchen' }, '23'],
    ]);
    // The last sample (+75 s) holds for 5 min, then the series is gone.
    expect(await vec('temp', B + 75 * S + 300 * S)).toHaveLength(1);
    expect(await vec('temp', B + 75 * S + 301 * S)).toEqual([]);
    expect(await vec('temp{room="kitchen"} offset 30s', t)).toEqual([
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'kitchen' }, '21'],
    ]);
    expect(await vec(`temp{room="kitchen"} @ ${(B + 60 * S) / 1000}`, t)).toEqual([
      [{ __name__: 'temp', instance: 'a:1', job: 'shop', room: 'kitchen' }, '0'],
    ]);
    expect(await vec('reqs_total{path="/ä"}', B + 20 * S)).toEqual([
      [{ __name__: 'reqs_total', instance: 'a:1', job: 'shop', path: '/ä' }, '10'],
    ]);
  });

  it('answers a range query on the grid start + i·step, @ end() on every step', async () => {
    const r = await evaluateRange(ctx(), 'temp{room="kitchen"} @ end()', B, B + 30 * S, 15 * S);
    expect(r.data).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'temp', instance: 'a:1', job: 'shop', room: 'kitchen' },
          values: [
            [B / 1000, '22.5'],
            [(B + 15 * S) / 1000, '22.5'],
            [(B + 30 * S) / 1000, '22.5'],
          ],
        },
      ],
    });
    const raw = await instant('temp{room="hall"}[30s]', B + 30 * S);
    expect(raw).toEqual({
      resultType: 'matrix',
      result: [
        {
          metric: { __name__: 'temp', instance: 'a:1', job: 'shop', room: 'hall' },
          values: [
            [B / 1000, '10'],
            [(B + 15 * S) / 1000, '11'],
            [(B + 30 * S) / 1000, '12'],
          ],
        },
      ],
    });
  });
});

describe('range functions and aggregations', () => {
  it('counts resets and changes, and rates across a reset', async () => {
    const t = B + 75 * S;
    expect(await vec('resets(reqs_total{path="/ä"}[2m])', t)).toEqual([
      [{ instance: 'a:1', job: 'shop', path: '/ä' }, '1'],
    ]);
    expect(await vec('changes(reqs_total[2m])', t)).toEqual([
      [{ instance: 'a:1', job: 'shop', path: '/b' }, '0'],
      [{ instance: 'a:1', job: 'shop', path: '/ä' }, '5'],
    ]);
    // 0→40, reset to 5, →20: an increase of 40 + 5 + 15 = 60 over the 75 s the samples span,
    // no extrapolation at the edges (the samples sit on them).
    expect(await vec('increase(reqs_total{path="/ä"}[75s])', t)).toEqual([
      [{ instance: 'a:1', job: 'shop', path: '/ä' }, '60'],
    ]);
    const kitchen = { instance: 'a:1', job: 'shop', room: 'kitchen' };
    // The window's values -4, 0, 21, 22.5, 23; φ outside [0, 1] answers ∓Inf as Prometheus.
    expect(await vec('quantile_over_time(0.5, temp{room="kitchen"}[1m])', t)).toEqual([
      [kitchen, '21'],
    ]);
    expect(await vec('quantile_over_time(2, temp{room="kitchen"}[1m])', t)).toEqual([
      [kitchen, '+Inf'],
    ]);
    expect(await vec('quantile_over_time(-1, temp{room="kitchen"}[1m])', t)).toEqual([
      [kitchen, '-Inf'],
    ]);
    expect(await vec('idelta(temp{room="kitchen"}[1m])', t)).toEqual([
      [{ instance: 'a:1', job: 'shop', room: 'kitchen' }, '-4'],
    ]);
  });

  it('aggregates with by and without, skipping NaN in min and max', async () => {
    const t = B + 30 * S;
    expect(await vec('sum by (job) (temp)', t)).toEqual([[{ job: 'shop' }, '34.5']]);
    expect(await vec('max without (room) (temp)', t)).toEqual([
      [{ instance: 'a:1', job: 'shop' }, '22.5'],
    ]);
    expect(await vec('count(temp)', t)).toEqual([[{}, '2']]);
    expect(await vec('avg without (instance, job) (temp)', t)).toEqual([
      [{ room: 'hall' }, '12'],
      [{ room: 'kitchen' }, '22.5'],
    ]);
  });
});

describe('limits', () => {
  it('refuses answers over the series or samples limit with Prometheus execution errors', async () => {
    const over = (limits: Partial<PromQLContext['limits']>, q: string) =>
      evaluateRange(ctx(limits), q, B, B + 60 * S, 15 * S).then(
        () => undefined,
        (e: unknown) => e,
      );
    const series = await over({ maxSeries: 1 }, 'temp');
    expect(series).toBeInstanceOf(PromQLError);
    expect((series as PromQLError).errorType).toBe('execution');
    expect((series as PromQLError).message).toMatch(/too many series/);
    expect(await over({ maxSamples: 5 }, 'temp')).toMatchObject({
      errorType: 'execution',
      message: 'query processing would load too many samples into memory in query execution',
    });
    expect(await over({ maxSeries: 2, maxSamples: 9 }, 'temp')).toBeUndefined();
  });
});

describe('stored names', () => {
  it('finds a metric written after an earlier query, and its new samples', async () => {
    const t = B + 50 * S;
    // The first query lists the names of the parts it finds (name-index.ts) …
    expect(await vec('late_gauge', t)).toEqual([]);
    await send({ 'service.name': 'late' }, '', [
      { name: 'late_gauge', gauge: { dataPoints: points({ k: 'é' }, [0, 0, 7.5, -2.5]) } },
    ]);
    // … and a part written since is read for the next one.
    expect(await vec('late_gauge', t)).toEqual([
      [{ __name__: 'late_gauge', job: 'late', k: 'é' }, '-2.5'],
    ]);
    expect(await vec('sum_over_time(late_gauge[30s])', B + 30 * S)).toEqual([
      [{ job: 'late', k: 'é' }, '7.5'],
    ]);
    expect(await vec('count_over_time(late_gauge[1m])', B + 60 * S)).toEqual([
      [{ job: 'late', k: 'é' }, '4'],
    ]);
  });
});
