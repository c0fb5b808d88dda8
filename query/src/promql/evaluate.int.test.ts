import { describe, expect, it } from 'vitest';
import { sightline, useSightline } from '../../test/use-sightline.ts';
import { evaluateInstant, type PromQLContext } from './evaluate.ts';

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
