import { useState } from 'react';
import { Area, ComposedChart, Line, ResponsiveContainer, Tooltip } from 'recharts';
import type { MetricQueryResult } from '@sightline/model/api/metrics';
import { parsePointValue } from '@sightline/model/prom-value';
import { formatTime } from '../format.ts';
import { timeAxis, timeGrid } from '../components/Charts.tsx';
import { plotted } from '../components/point-values.ts';
import { unitAxis, unitYAxis, type UnitAxis } from '../components/UnitChart.tsx';
import { aggregatedUnit, formatValue } from '../units.ts';
import type { ChartMode } from './metric-queries.ts';

export interface ChartSeries {
  readonly key: string;
  readonly name: string;
  readonly color: string;
  /** UCUM unit of the values; series of different units get different axes. */
  readonly unit: string;
  /** Values as numbers: NaN and infinities too (charts leave a gap, the legend names them). */
  readonly points: ReadonlyMap<number, number | null>;
}

/** Every series of every result, named `A · metric{labels}` after its query row. */
export function chartSeries(
  results: readonly (MetricQueryResult | undefined)[],
  color: (row: number, series: number) => string,
): ChartSeries[] {
  const out: ChartSeries[] = [];
  results.forEach((r, row) => {
    if (!r) return;
    const letter = String.fromCharCode(65 + (row % 26));
    r.series.forEach((s, i) => {
      const labels = Object.entries(s.labels)
        .map(([k, v]) => `${k}=${v || '∅'}`)
        .join(', ');
      out.push({
        key: `q${row}s${i}`,
        name: `${letter} · ${r.aggregation}(${r.metric})${labels ? ` {${labels}}` : ''}`,
        color: color(row, i),
        unit: aggregatedUnit(r.unit, r.aggregation),
        points: new Map(s.points.map(([t, v]) => [t, parsePointValue(v)])),
      });
    });
  });
  return out;
}

interface Props {
  readonly series: readonly ChartSeries[];
  readonly mode: ChartMode;
  readonly from: number;
  readonly to: number;
}

/** One axis per unit, with round ticks over the values of its series. */
function axesFor(series: readonly ChartSeries[], stacked: boolean): UnitAxis[] {
  const units = [...new Set(series.map((s) => s.unit))];
  return units.map((unit) => {
    const mine = series.filter((s) => s.unit === unit);
    const values = mine.flatMap((s) => [...s.points.values()].flatMap((v) => plotted(v) ?? []));
    // Stacked areas reach the sum of their series at a step.
    const times = [...new Set(mine.flatMap((s) => [...s.points.keys()]))];
    const top = stacked
      ? Math.max(
          0,
          ...times.map((t) => mine.reduce((sum, s) => sum + (plotted(s.points.get(t)) ?? 0), 0)),
        )
      : 0;
    return unitAxis(unit, values, top);
  });
}

/** All queries on one time axis; the legend shows each series' value where the pointer is. */
export function MetricChart({ series, mode, from, to }: Props) {
  const [hoverT, setHoverT] = useState<number | null>(null);
  const axes = axesFor(series, mode === 'stacked');
  const times = [...new Set(series.flatMap((s) => [...s.points.keys()]))].sort((a, b) => a - b);
  const data = times.map((t) => {
    const row: Record<string, number | null> = { t };
    for (const s of series) row[s.key] = plotted(s.points.get(t));
    return row;
  });
  // Without a pointer on the chart the legend shows the latest value of each series.
  // At the pointer, the last sample at or before it, as the connected line shows it.
  const valueAt = (s: ChartSeries): number | null => {
    const upTo = hoverT === null ? times.length - 1 : times.findLastIndex((t) => t <= hoverT);
    for (let i = upTo; i >= 0; i--) {
      const v = s.points.get(times[i] ?? NaN);
      if (v !== null && v !== undefined) return v;
    }
    return null;
  };
  // At the pointer the legend is the tooltip: every series with its value, largest first within
  // each unit (values of different units do not compare).
  const unitRank = (s: ChartSeries) => axes.findIndex((a) => a.unit === s.unit);
  const legendOrder =
    hoverT === null
      ? series
      : [...series].sort(
          (a, b) =>
            unitRank(a) - unitRank(b) || (valueAt(b) ?? -Infinity) - (valueAt(a) ?? -Infinity),
        );
  return (
    <div className="metric-plot">
      <ResponsiveContainer width="100%" height={320}>
        <ComposedChart
          data={data}
          margin={{ top: 8, right: 16, bottom: 0, left: 0 }}
          onMouseMove={(state) => {
            const t = Number(state.activeLabel);
            setHoverT(state.activeLabel === undefined || !Number.isFinite(t) ? null : t);
          }}
          onMouseLeave={() => setHoverT(null)}
        >
          {timeGrid()}
          {timeAxis(from, to)}
          {axes.map((a, i) => unitYAxis(a, i % 2 === 0 ? 'left' : 'right', a.unit))}
          <Tooltip
            labelFormatter={(t) => formatTime(Number(t), true)}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
            // The legend below carries the values; the tooltip only marks the time.
            formatter={() => null}
            itemStyle={{ display: 'none' }}
          />
          {series.map((s) =>
            mode === 'line' ? (
              <Line
                key={s.key}
                yAxisId={s.unit}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                strokeWidth={1.5}
                dot={s.points.size <= 20 ? { r: 2 } : false}
                isAnimationActive={false}
                // Gauges are samples: a step without one is not a gap in what was measured.
                connectNulls
              />
            ) : (
              <Area
                key={s.key}
                yAxisId={s.unit}
                type="linear"
                dataKey={s.key}
                name={s.name}
                stroke={s.color}
                fill={s.color}
                fillOpacity={mode === 'stacked' ? 0.55 : 0.15}
                strokeWidth={1.5}
                isAnimationActive={false}
                connectNulls
                {...(mode === 'stacked' ? { stackId: `stack-${s.unit}` } : {})}
              />
            ),
          )}
        </ComposedChart>
      </ResponsiveContainer>
      <ul className="metric-legend" aria-label="Legend">
        <li className="sub">{hoverT === null ? 'latest values' : formatTime(hoverT, true)}</li>
        {legendOrder.map((s) => (
          <li key={s.key} data-series={s.key}>
            <span className="swatch" style={{ background: s.color }} />
            <span className="mono legend-name">{s.name}</span>
            <span className="legend-value">
              {formatValue(valueAt(s), s.unit, axes.find((a) => a.unit === s.unit)?.scale)}
            </span>
          </li>
        ))}
      </ul>
    </div>
  );
}
