import { describe, expect, it } from 'vitest';
import type { MetricAggregation, MetricsQueryResponse } from '@sightline/model/api/metrics';
import { MIN, query, sendMetrics } from './metrics-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/**
 * Prometheus' function semantics, one case a line (the promqltest habit): samples as
 * `seconds:value` after a minute boundary B (`stale` is a staleness marker), the aggregation, its
 * range, the evaluation time (seconds after B) and the value Prometheus 2.x gives there, worked
 * out by hand in the comment. Every case is its own metric; every value goes through OTLP/JSON
 * ingest, the query API and its SQL.
 */
type Kind = 'counter' | 'gauge' | 'delta';
type Case = [Kind, string, MetricAggregation, string, number, number | null, string];

// prettier-ignore
const CASES: Case[] = [
  // kind      samples                               function             range  at   expected  why
  ['counter', '0:0 15:10 30:20 45:30 60:40',         'rate',              '1m',  60,  40 / 60,  'samples on both edges: no extrapolation'],
  ['counter', '0:0 15:10 30:20 45:30 60:40',         'increase',          '1m',  60,  40,       'the same window as an increase'],
  ['counter', '0:0 15:10 30:20 45:30 60:40 75:50 90:60 105:70 120:80', 'rate', '2m', 120, 80 / 120, 'a 2m range at a 1m step'],
  ['counter', '5:10 20:20 35:30 50:40',              'increase',          '1m',  60,  40,       '30 over 45 s, extrapolated 5 s back and 10 s on: 30·60/45'],
  ['counter', '30:100 45:110 60:120',                'increase',          '1m',  60,  25,       'start 30 s away > 1.1 gaps: half a gap, 20·37.5/30'],
  ['counter', '40:1 50:11 60:21',                    'increase',          '1m',  60,  21,       'extrapolation stops where the counter would be 0: 20·21/20'],
  ['counter', '0:0 15:10 30:20 45:5 60:15',          'increase',          '1m',  60,  35,       'a reset adds the value before it: 15 + 20'],
  ['counter', '0:0 15:0 30:0 45:0 60:0',             'rate',              '1m',  60,  0,        'a counter of zeros has rate 0, not no data'],
  ['counter', '60:5',                                'rate',              '1m',  60,  null,     'one sample: no rate'],
  ['counter', '0:0 15:10 30:20 45:5 60:15',          'irate',             '1m',  60,  10 / 15,  'the last two samples'],
  ['counter', '0:0 15:10 30:20 45:30 60:6',          'irate',             '1m',  60,  6 / 15,   'a reset between them: the last value'],
  ['counter', '0:0 15:10 30:stale 45:20 60:30',      'increase',          '1m',  60,  30,       'a staleness marker is not a value'],
  ['counter', '0:0 15:10 30:20 45:5 60:15',          'last_over_time',    '1m',  60,  15,       'a range function on a counter, as PromQL allows: its value'],
  ['counter', '0:0 15:10 30:20 45:5 60:15',          'max_over_time',     '1m',  60,  20,       'the highest value before the reset'],
  ['counter', '60:2',                                'last_over_time',    '1m',  60,  2,        'one sample is enough: a short-lived app that exported once'],
  ['gauge',   '60:2',                                'last_over_time',    '1m',  60,  2,        'a sample at the evaluation time itself is in the window'],
  ['delta',   '15:10 30:10 45:10 60:10',             'rate',              '1m',  60,  40 / 60,  'delta points add up, each counted once'],
  ['delta',   '0:7 15:10 30:10 45:10 60:10',         'increase',          '1m',  60,  40,       'a delta point on the left edge belongs to the window before'],
  ['gauge',   '0:10 15:5 30:8 45:2 60:4',            'delta',             '1m',  60,  -6,       'last − first'],
  ['gauge',   '10:10 25:5 40:8 55:2',                'delta',             '1m',  60,  -8 * 60 / 45, 'extrapolated both ways, no zero floor'],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'avg_over_time',     '1m',  60,  2.2,      ''],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'min_over_time',     '1m',  60,  0,        'a zero is a value'],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'max_over_time',     '1m',  60,  5,        ''],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'sum_over_time',     '1m',  60,  11,       ''],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'count_over_time',   '1m',  60,  5,        'both edges included'],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'last_over_time',    '1m',  60,  2,        ''],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'stddev_over_time',  '1m',  60,  Math.sqrt(2.96), 'population deviation'],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'stdvar_over_time',  '1m',  60,  2.96,     ''],
  ['gauge',   '0:1 15:5 30:3 45:0 60:2',             'quantile_over_time','1m',  60,  4.2,      'φ 0.9: rank 3.6 between 3 and 5'],
  ['gauge',   '0:7',                                 'max',               '1m',  300, 7,        'the newest sample, 5 minutes back'],
  ['gauge',   '0:7',                                 'max',               '1m',  360, null,     'older than 5 minutes'],
  ['gauge',   '0:7 30:0',                            'max',               '1m',  60,  0,        'a gauge that drops to 0 is 0'],
  ['gauge',   '0:7 30:stale',                        'max',               '1m',  60,  null,     'a staleness marker ends the series'],
  ['gauge',   '0:7 30:stale 50:3',                   'max',               '1m',  60,  3,        'and a new sample starts it again'],
];

const B = Math.floor((Date.now() - 30 * MIN) / MIN) * MIN;
const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const name = (i: number) => `promql.case.${i}`;

function metricOf([kind, samples]: Case, i: number) {
  const points = samples.split(' ').map((s, k, all) => {
    const [sec, value] = s.split(':');
    const t = B + Number(sec) * 1000;
    const prev = k === 0 ? t - 15_000 : B + Number(all[k - 1]!.split(':')[0]) * 1000;
    // Zürich: labels are compared as given, whatever their script.
    const point = {
      attributes: [{ key: 'città', value: { stringValue: 'Zürich' } }],
      startTimeUnixNano: ns(kind === 'delta' ? prev : B - 3_600_000),
      timeUnixNano: ns(t),
    };
    return value === 'stale'
      ? { ...point, asDouble: 0, flags: 1 }
      : { ...point, asDouble: Number(value) };
  });
  const data =
    kind === 'gauge'
      ? { gauge: { dataPoints: points } }
      : {
          sum: {
            aggregationTemporality: kind === 'delta' ? 1 : 2,
            isMonotonic: true,
            dataPoints: points,
          },
        };
  return { name: name(i), ...data };
}

useSightline(() => sendMetrics('promql-table', CASES.map(metricOf)));

describe('Prometheus function semantics, case by case', () => {
  it.each(CASES.map((c, i) => [i, ...c] as const))(
    'case %i: %s %s %s[%s] at +%is',
    async (i, _kind, _samples, aggregation, range, at, expected) => {
      const to = B + at * 1000;
      const { status, json } = await query({
        from: String(to - MIN),
        to: String(to),
        step: '1m',
        queries: [
          {
            metric: name(i),
            aggregation,
            range,
            groupBy: ['città'],
            ...(aggregation === 'quantile_over_time' ? { quantile: 0.9 } : {}),
          },
        ],
      });
      expect(status, JSON.stringify(json)).toBe(200);
      const [result] = (json as MetricsQueryResponse).results;
      const series = result!.series;
      if (expected === null) {
        expect(series.flatMap((s) => s.points.map((p) => p[1]))).toEqual(
          series.length === 0 ? [] : [null],
        );
        return;
      }
      expect(series.map((s) => s.labels)).toEqual([{ città: 'Zürich' }]);
      const [[t, v]] = series[0]!.points as [[number, number | null]];
      expect(t).toBe(to);
      expect(v).toBeCloseTo(expected, 9);
    },
  );
});
