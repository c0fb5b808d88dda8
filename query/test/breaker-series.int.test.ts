import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { ServiceDependenciesResponse } from '@sightline/model/api/dependencies';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { sendBreakerState } from '../../deploy/test/alerts-helpers.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
  await send();
});
afterAll(async () => s.close());

const MIN = 60_000;
const BASE = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const attrs = (more: Record<string, string>) =>
  Object.entries({ 'circuit_breaker.name': 'pay', ...more }).map(([key, v]) => ({
    key,
    value: { stringValue: v },
  }));

/** State reports (time offset, state) and cumulative call counts as the SDK exports them. */
const STATES: [number, number][] = [
  [0.5 * MIN, 0],
  [3 * MIN + 10_000, 2],
  [6 * MIN + 5_000, 1],
  [6 * MIN + 40_000, 0],
];
/** [outcome, process start offset, point offset, cumulative value]. */
const CALLS: [string, number, number, number][] = [
  ['success', -60 * MIN, -5 * MIN, 100], // before the range: the base
  ['success', -60 * MIN, 0.5 * MIN, 110],
  ['success', -60 * MIN, 1.5 * MIN, 130],
  ['success', -60 * MIN, 4 * MIN, 130],
  ['failure', -60 * MIN, 0.5 * MIN, 5],
  ['failure', -60 * MIN, 3 * MIN, 15],
  ['success', 5 * MIN, 5.5 * MIN, 7], // the process restarted: a new series from 0
  ['fallback', -60 * MIN, 3 * MIN, 9], // not a call of its own
];

async function send(): Promise<void> {
  for (const [at, state] of STATES) await sendBreakerState(s, 'shop', 'pay', state, BASE + at);
  const res = await fetch(`${s.otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({
      resourceMetrics: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
          scopeMetrics: [
            {
              metrics: [
                {
                  name: 'circuit_breaker.calls',
                  sum: {
                    aggregationTemporality: 2,
                    isMonotonic: true,
                    dataPoints: CALLS.map(([outcome, start, at, v]) => ({
                      startTimeUnixNano: ns(BASE + start),
                      timeUnixNano: ns(BASE + at),
                      asInt: String(v),
                      attributes: attrs({ outcome }),
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
}

describe('breaker sparklines in GET /services/{service}/dependencies', () => {
  it('gives calls/s, error ratio and the held state per step', async () => {
    const res = await fetch(
      `${s.apiUrl}/api/v1/services/shop/dependencies?from=${BASE}&to=${BASE + 10 * MIN}&step=1m`,
    );
    const body = (await res.json()) as ServiceDependenciesResponse;
    expect(res.status, JSON.stringify(body)).toBe(200);
    const pay = body.dependencies.find((d) => d.kind === 'circuit_breaker' && d.name === 'pay');
    if (!pay?.breaker) throw new Error(`no breaker in ${JSON.stringify(body)}`);
    const at = (i: number) => BASE + i * MIN;
    // Per minute: success 10 + failure 5, success 20, -, failure 10, success 0, new process 7.
    const calls = [15, 20, 0, 10, 0, 7, 0, 0, 0, 0];
    expect(pay.series.rate).toEqual(calls.map((n, i) => [at(i), n / 60]));
    expect(pay.series.errorRate).toEqual(
      [5 / 15, 0, null, 1, null, 0, null, null, null, null].map((v, i) => [at(i), v]),
    );
    expect(pay.series.p95Ms.every(([, v]) => v === null)).toBe(true);
    // The last report of each minute, held until the next one.
    expect(pay.breaker.stateSeries).toEqual(
      [0, 0, 0, 2, 2, 2, 0, 0, 0, 0].map((v, i) => [at(i), v]),
    );
    // The totals agree with the steps.
    expect(pay.requests).toBe(calls.reduce((a, b) => a + b, 0));
    expect(pay.errors).toBe(15);
  });

  it('gives the grid of all breakers the same state series', async () => {
    const res = await fetch(
      `${s.apiUrl}/api/v1/circuit-breakers?from=${BASE}&to=${BASE + 10 * MIN}`,
    );
    const body = (await res.json()) as {
      breakers: { name: string; stateSeries: [number, number | null][] }[];
    };
    const pay = body.breakers.find((b) => b.name === 'pay');
    expect(pay?.stateSeries.map(([, v]) => v).filter((v) => v !== null)).toContain(2);
    expect(pay?.stateSeries.at(-1)?.[1]).toBe(0);
  });
});
