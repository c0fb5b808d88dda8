import type { ChartSeries } from '../metrics/MetricChart.tsx';
import { paletteColor } from '../format.ts';
import { sampleValue, type PromMatrix } from './promql-api.ts';
import { unitOfMetricName } from '@sightline/model/metric-units';
import { unitOfExpr } from './promql-unit.ts';

/** `name{a="x", b="y"}` as Prometheus's UI names a series; `{}` for one without labels. */
export function seriesName(metric: Readonly<Record<string, string>>): string {
  const { __name__: name = '', ...labels } = metric;
  const pairs = Object.entries(labels)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    .map(([k, v]) => `${k}="${v}"`);
  return `${name}{${pairs.join(', ')}}`;
}

/**
 * The matrix as the chart's series: one per returned series, named by its labels, in the unit its
 * name (when the result keeps it) or the expression implies. Every step of the grid is a point;
 * a step without a sample is a gap, as in Prometheus's graph.
 */
export function promSeries(
  expr: string,
  m: PromMatrix,
  grid: { start: number; end: number; step: number },
): ChartSeries[] {
  const exprUnit = unitOfExpr(expr);
  return m.data.result.map((s, i) => {
    const points = new Map<number, number | null>();
    for (let t = grid.start; t <= grid.end; t += grid.step) points.set(t, null);
    for (const [t, v] of s.values) {
      const value = sampleValue(v);
      points.set(Math.round(t * 1000), Number.isFinite(value) ? value : null);
    }
    const name = s.metric.__name__;
    return {
      key: `p${i}`,
      name: seriesName(s.metric),
      color: paletteColor(i),
      unit: name !== undefined ? unitOfMetricName(name) : exprUnit,
      points,
    };
  });
}
