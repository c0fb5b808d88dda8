import { describe, expect, it } from 'vitest';
import { sightline, useSightline } from '../../test/use-sightline.ts';
import { evaluateInstant } from './evaluate.ts';

/**
 * OTLP delta-temporality sums under PromQL. The OpenTelemetry Prometheus exporter turns a delta
 * sum into a cumulative counter (the running total since the exporter started); Sightline stores
 * the deltas and has no such starting point, so it decides: an instant selector answers the
 * newest point as stored — the increase over that point's own interval — while the range
 * functions read the points as the counter the exporter would show: increase and rate add up the
 * deltas in the window. Documented in docs/promql.md.
 */
const S = 1000;
const B = Math.floor((Date.now() - 1_800_000) / 60_000) * 60_000;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
// Deltas every 15 s, each covering the 15 s before it; a zero among them.
const DELTAS = [3, 0, 5, 2];

useSightline(async () => {
  const res = await fetch(`${sightline().otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'worker' } }] },
          scopeMetrics: [
            {
              scope: { name: 'jobs' },
              metrics: [
                {
                  name: 'jobs.done',
                  unit: '{job}',
                  sum: {
                    aggregationTemporality: 1,
                    isMonotonic: true,
                    dataPoints: DELTAS.map((v, k) => ({
                      startTimeUnixNano: ns(B + (k - 1) * 15 * S),
                      timeUnixNano: ns(B + k * 15 * S),
                      asInt: String(v),
                    })),
                  },
                },
              ],
            },
          ],
        },
      ],
    }),
  });
  expect(res.status, await res.text()).toBe(200);
});

const value = async (q: string, t: number): Promise<string | undefined> => {
  const ctx = {
    client: sightline().store.reader,
    database: sightline().store.database,
    limits: { maxSeries: 100, maxSamples: 100_000, timeoutMs: 30_000 },
  };
  const { data } = await evaluateInstant(ctx, q, t);
  if (data.resultType !== 'vector') throw new Error(`not a vector: ${data.resultType}`);
  return data.result[0]?.value[1];
};

describe('delta sums under PromQL', () => {
  it('an instant selector answers the newest delta as stored, zero included', async () => {
    expect(await value('jobs_done_total', B + 50 * S)).toBe('2');
    expect(await value('jobs_done_total', B + 20 * S)).toBe('0');
    // Past the 5-minute lookback of the newest point: nothing, as for any series.
    expect(await value('jobs_done_total', B + 46 * S + 300 * S)).toBeUndefined();
  });

  it('increase and rate add up the deltas in the window, as over the exporter’s counter', async () => {
    // [B − 15 s, B + 45 s] holds all four points; [B + 15 s, B + 45 s] the last three.
    expect(await value('increase(jobs_done_total[1m])', B + 45 * S)).toBe('10');
    expect(await value('increase(jobs_done_total[30s])', B + 45 * S)).toBe('7');
    expect(Number(await value('rate(jobs_done_total[1m])', B + 45 * S))).toBeCloseTo(10 / 60, 12);
    // The running total the exporter would show, over a window holding every point.
    expect(await value('sum_over_time(jobs_done_total[1m])', B + 45 * S)).toBe('10');
  });
});
