import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline } from './harness.ts';
import { startPrometheus, type PrometheusServer } from './prometheus-server.ts';

/**
 * /api/v1/format_query: Sightline's prettified form of each expression below must be the Debian
 * Prometheus 2.42's, character for character (it serves format_query; promtool 2.42 has no
 * `promql format`). One case a line; the long ones make Prometheus split over indented lines.
 */
const LONG_SEL =
  'http_server_request_duration_seconds_bucket{job="checkout",instance="10.0.0.1:9090",le!="+Inf"}';
const CASES: readonly string[] = [
  'up',
  'sum(rate(http_requests_total[5m])) by (job)',
  'sum without (instance) (rate({a="b",__name__=~"x_.*"}[90s] offset 1h30m))',
  'x_total + {__name__="y"}',
  '123456 + 1234567 + 0.0001 + -0.5',
  'x{b="2",a=~"1|3",c!~"ä.*"} @ 1700000000.5 offset -5m',
  'rate(x[1d]) > bool 0.0001',
  '1e6 + 0.00001 * 0x1F - Inf',
  'a / on (job) group_left (team) b',
  'a * ignoring (instance) group_right b',
  'a and on () b or c unless ignoring (x) d',
  'topk(3, sum by (path) (rate(x[5m])))',
  'count_values("value\\n\\"q\\"", up)',
  'max_over_time(deriv(rate(x[1m])[5m:30s])[1w:])',
  '-sum(x) ^ 2 % 3',
  'histogram_quantile(0.9, sum by (le, job) (rate(${LONG}[5m])))'.replace('${LONG}', LONG_SEL),
  `sum by (job, instance) (rate(${LONG_SEL}[5m])) / on (job, instance) group_left () sum by (job, instance) (rate(${LONG_SEL}[5m]))`,
  `label_replace(sum by (job) (rate(${LONG_SEL}[5m] @ start())), "dst", "$1", "job", "(.*)")`,
  `(sum(rate(${LONG_SEL}[5m])) + sum(rate(${LONG_SEL}[10m])))`,
  `-(quantile(0.5, rate(${LONG_SEL}[5m])) > 3)`,
  `max_over_time((rate(${LONG_SEL}[5m]) * 100)[30m:1m])`,
];

let s: RunningSightline;
let prom: PrometheusServer;

beforeAll(async () => {
  s = await startTestSightline();
  prom = await startPrometheus({ sightlineUrl: s.otlpUrl, jobs: {} });
}, 120_000);

afterAll(async () => {
  await prom?.stop();
  await s?.close();
});

async function format(base: string, query: string) {
  // Prometheus may still be starting: its API answers once it is ready.
  for (;;) {
    try {
      const res = await fetch(
        `${base}/api/v1/format_query?${new URLSearchParams({ query }).toString()}`,
      );
      return {
        status: res.status,
        body: (await res.json()) as { data?: string; errorType?: string },
      };
    } catch (e) {
      if (prom.exited()) throw new Error(`prometheus exited: ${prom.log()}`, { cause: e });
      await new Promise((r) => setTimeout(r, 200));
    }
  }
}

describe('format_query answers as Prometheus 2.42', () => {
  it.each(CASES)('%s', async (query) => {
    const want = await format(`http://${prom.address}`, query);
    const got = await format(`${s.apiUrl}/prometheus`, query);
    expect(want.status).toBe(200);
    expect(got, `Prometheus:\n${want.body.data}`).toEqual(want);
  });

  it.each(['sum(rate(x[5m])', 'x_total{__name__="x_total"}', ''])(
    'answers %j, which does not parse, with 400 bad_data as Prometheus',
    async (query) => {
      const want = await format(`http://${prom.address}`, query);
      const got = await format(`${s.apiUrl}/prometheus`, query);
      expect([got.status, got.body.errorType]).toEqual([want.status, want.body.errorType]);
      expect([got.status, got.body.errorType]).toEqual([400, 'bad_data']);
    },
  );
});
