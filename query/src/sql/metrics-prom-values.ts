import type { Params } from './metrics-keys.ts';
import type { PromRangeFunction } from './metrics-prom-sql.ts';

/**
 * Prometheus' value of each range function over one window, as SQL: the aggregates it needs of
 * the window's samples (t, v, and for counters pv, pt, st and the reset correction rc) and the
 * formula over them, `at` being the evaluation time. metrics-prom-sql aggregates them per window;
 * metrics-prom-edges computes the same aggregates from each window's first and last samples.
 */

/** Per-window aggregates and the function's value, by function. */
export function rangeValue(
  fn: PromRangeFunction,
  quantile: number,
  rangeMs: number,
  at: string,
  p: Params,
) {
  const seconds = p.add(rangeMs / 1000, 'Float64');
  switch (fn) {
    case 'rate':
    case 'increase':
    case 'delta': {
      const counter = fn !== 'delta';
      const aggs = [
        'count() AS n',
        'min(t) AS t1',
        'max(t) AS tn',
        'argMin(v, t) AS v1',
        'argMax(v, t) AS vn',
        'sum(v) AS sv',
        counter ? 'sum(rc) - argMin(rc, t) AS rs' : '0 AS rs',
      ];
      // Prometheus' extrapolation: from the first and last samples to the window's edges when
      // they lie within 1.1 average gaps of them, else by half a gap; a counter not below zero.
      const extrapolated = `multiIf(n < 2, NULL, (vn - v1 + rs) * (
          (tn - t1) / 1000
          + if(toStart < gap * 1.1, toStart, gap / 2)
          + if(toEnd < gap * 1.1, toEnd, gap / 2)
        ) / ((tn - t1) / 1000))`;
      const startOf = `(t1 - (${at} - ${p.add(rangeMs, 'Int64')})) / 1000`;
      const toStart = counter
        ? `if(vn - v1 + rs > 0 AND v1 >= 0,
            least(${startOf}, (tn - t1) / 1000 * (v1 / (vn - v1 + rs))), ${startOf})`
        : startOf;
      const value =
        fn === 'delta'
          ? extrapolated
          : `if(d, sv, ${extrapolated})${fn === 'rate' ? ` / ${seconds}` : ''}`;
      return {
        aggs,
        lets: [
          `(tn - t1) / 1000 / (n - 1) AS gap`,
          `${toStart} AS toStart`,
          `(${at} - tn) / 1000 AS toEnd`,
        ],
        value,
        lag: counter,
      };
    }
    case 'irate':
      return {
        aggs: [
          'count() AS n',
          'max(t) AS tn',
          'argMax(v, t) AS vn',
          'argMax(pv, t) AS pvn',
          'argMax(pt, t) AS ptn',
          'argMax(st, t) AS stn',
        ],
        lets: [],
        // A delta point is its own increase, over its own interval.
        value: `if(d, vn / ((tn - stn) / 1000),
          if(n < 2, NULL, if(vn < pvn, vn, vn - pvn) / ((tn - ptn) / 1000)))`,
        lag: true,
      };
    case 'idelta':
      // The last two samples; the one before the last is in the window when there are two.
      return {
        aggs: ['count() AS n', 'argMax(v, t) AS vn', 'argMax(pv, t) AS pvn'],
        lets: [],
        value: 'if(n < 2, NULL, vn - pvn)',
        lag: true,
      };
    case 'resets':
    case 'changes': {
      // Pairs of samples both in the window: the earlier one no older than its start.
      const inWindow = `pt IS NOT NULL AND pt >= ${at} - ${p.add(rangeMs, 'Int64')}`;
      const event = fn === 'resets' ? 'v < pv' : 'v != pv AND NOT (isNaN(v) AND isNaN(pv))';
      return {
        aggs: [`toFloat64(countIf(${inWindow} AND ${event})) AS fv`],
        lets: [],
        value: 'fv',
        lag: true,
      };
    }
    case 'deriv': {
      // Least-squares slope per second; times relative to the evaluation keep the precision.
      const x = `(t - ${at}) / 1000`;
      return {
        aggs: [
          'count() AS n',
          `covarPop(${x}, v) AS cxy`,
          `varPop(${x}) AS vx`,
          // Equal values have slope 0 exactly, as Prometheus answers (no rounding residue).
          'min(v) = max(v) AND countIf(isNaN(v)) = 0 AS flat',
        ],
        lets: [],
        value: 'if(n < 2, NULL, if(flat, 0, cxy / vx))',
        lag: false,
      };
    }
    default: {
      const agg = {
        present_over_time: 'toFloat64(1)',
        avg_over_time: 'avg(v)',
        min_over_time: 'min(v)',
        max_over_time: 'max(v)',
        sum_over_time: 'sum(v)',
        count_over_time: 'toFloat64(count())',
        last_over_time: 'argMax(v, t)',
        // A NaN or infinity in the window makes Prometheus' running variance NaN; ClickHouse's
        // stddevPop would skip it.
        stddev_over_time: 'if(countIf(NOT isFinite(v)) > 0, nan, stddevPop(v))',
        stdvar_over_time: 'if(countIf(NOT isFinite(v)) > 0, nan, varPop(v))',
        // Prometheus interpolates between the closest ranks, (n − 1)·q: R's type 7.
        quantile_over_time: `quantileExactInclusive(${p.add(quantile, 'Float64')})(v)`,
      }[fn];
      return { aggs: [`${agg} AS fv`], lets: [], value: 'fv', lag: false };
    }
  }
}
