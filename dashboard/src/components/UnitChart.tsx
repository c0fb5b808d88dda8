import {
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  YAxis,
  type TooltipContentProps,
} from 'recharts';
import type { SeriesPoint } from '@sightline/model/api/metrics';
import { parsePointValue } from '@sightline/model/prom-value';
import { formatTime, paletteColor } from '../format.ts';
import { timeAxis, timeGrid } from './Charts.tsx';
import { planAxes } from './chart-axes.ts';
import { plotted, specialEntry, specialKey } from './point-values.ts';
import {
  formatTickValue,
  formatValue,
  niceTicks,
  scaleFor,
  unitTitle,
  type Scale,
} from '../units.ts';

export interface UnitSeries {
  readonly name: string;
  readonly points: readonly SeriesPoint[];
  /** Its own unit; absent: the chart's `unit`. */
  readonly unit?: string;
  /** The y axis asked for; absent: by unit (the first unit left, a second right). */
  readonly axis?: 'left' | 'right';
}

interface Props {
  /** Up to two units, one per y axis; a series of a third unit is named, not drawn. */
  readonly series: readonly UnitSeries[];
  /** The unit of series that name none. */
  readonly unit: string;
  readonly from: number;
  readonly to: number;
  /** Bucket width in ms: a bucket that ends after `now` is still filling and drawn dashed. */
  readonly step: number;
  readonly now?: number;
  readonly height?: number | `${number}%`;
}

type Row = Record<string, number | string | null>;

/**
 * Rows for recharts: series `s<i>` holds the complete buckets and `p<i>` only the last complete
 * one and the partial one after it, so the line ends in a dashed segment instead of a dip.
 */
export function chartRows(
  series: readonly UnitSeries[],
  step: number,
  now: number,
): { rows: Row[]; partialAt: number | null } {
  const times = [...new Set(series.flatMap((s) => s.points.map(([t]) => t)))].sort((a, b) => a - b);
  const last = times[times.length - 1];
  const partialAt = last !== undefined && last + step > now ? last : null;
  const before = partialAt === null ? undefined : times[times.length - 2];
  const rows = times.map((t) => {
    const row: Row = { t };
    series.forEach((s, i) => {
      const raw = s.points.find(([pt]) => pt === t)?.[1] ?? null;
      const v = plotted(raw);
      row[`s${i}`] = t === partialAt ? null : v;
      row[`p${i}`] = t === partialAt || t === before ? v : null;
      Object.assign(row, specialEntry(raw, i));
    });
    return row;
  });
  return { rows, partialAt };
}

function SortedTooltip({
  active,
  payload,
  label,
  names,
  formats,
  partialAt,
}: {
  active?: boolean | undefined;
  payload?: TooltipContentProps<number, string>['payload'] | undefined;
  label?: string | number | undefined;
  names: readonly string[];
  /** Each series' unit, its axis scale, and the rank of its axis (left first). */
  formats: readonly { unit: string; scale: Scale | undefined; rank: number }[];
  partialAt: number | null;
}) {
  if (!active || !payload?.length) return null;
  const t = Number(label);
  const byIndex = new Map<number, number | null>();
  for (const p of payload) {
    const i = Number(String(p.dataKey).slice(1));
    // A NaN or infinity is not drawn; the row still names it.
    const special = parsePointValue((p.payload as Row | undefined)?.[specialKey(i)]);
    const v = typeof p.value === 'number' ? p.value : special;
    if (!byIndex.has(i) || v !== null) byIndex.set(i, v);
  }
  // Largest first within each axis: values of different units do not compare.
  const rank = (i: number) => formats[i]?.rank ?? 0;
  const items = [...byIndex.entries()].sort(
    (a, b) => rank(a[0]) - rank(b[0]) || (b[1] ?? -Infinity) - (a[1] ?? -Infinity),
  );
  return (
    <div className="tooltip chart-tooltip" role="tooltip">
      <div className="sub">
        {formatTime(t, true)}
        {t === partialAt ? ' (bucket still filling)' : ''}
      </div>
      {items.map(([i, v]) => (
        <div key={i} className="chart-tooltip-row">
          <span className="swatch" style={{ background: paletteColor(i) }} />
          <span className="legend-name">{names[i]}</span>
          <span className="legend-value">
            {formatValue(v, formats[i]?.unit ?? '', formats[i]?.scale)}
          </span>
        </div>
      ))}
    </div>
  );
}

export interface UnitAxis {
  readonly unit: string;
  readonly ticks: number[];
  readonly scale: Scale;
}

/** Round ticks over `values` (and `top`, e.g. a stack's height) in the unit's display scale. */
export function unitAxis(unit: string, values: readonly number[], top = 0): UnitAxis {
  const ticks = niceTicks(Math.min(0, ...values), Math.max(0, top, ...values), unit);
  return { unit, ticks, scale: scaleFor(unit, Math.max(...ticks.map(Math.abs))) };
}

/** A y axis with `a`'s ticks, formatted in its unit, titled with what a count counts. */
export const unitYAxis = (a: UnitAxis, side: 'left' | 'right' = 'left', id?: string) => (
  <YAxis
    key={a.unit}
    {...(id !== undefined ? { yAxisId: id } : {})}
    orientation={side}
    domain={[a.ticks[0] ?? 0, a.ticks[a.ticks.length - 1] ?? 1]}
    ticks={a.ticks}
    allowDataOverflow
    tickFormatter={(v: number) => formatTickValue(v, a.unit, a.scale)}
    label={
      unitTitle(a.unit)
        ? {
            value: unitTitle(a.unit),
            angle: -90,
            position: side === 'left' ? 'insideLeft' : 'insideRight',
            fontSize: 11,
          }
        : undefined
    }
    width={78}
    stroke="var(--muted)"
    fontSize={11}
  />
);

/** Time series on one or two y axes (one per unit) with round ticks and a sorted tooltip. */
export function UnitChart({ series, unit, from, to, step, now = Date.now(), height = 220 }: Props) {
  const units = series.map((s) => s.unit ?? unit);
  const plan = planAxes(series.map((s, i) => ({ unit: units[i]!, axis: s.axis })));
  const drawn = series.flatMap((s, i) => (plan.sides[i] ? [{ s, i, side: plan.sides[i] }] : []));
  const { rows, partialAt } = chartRows(series, step, now);
  const axisOf = (side: 'left' | 'right', u: string | null) =>
    u === null
      ? null
      : unitAxis(
          u,
          drawn.flatMap((d) =>
            d.side === side ? d.s.points.flatMap(([, v]) => plotted(v) ?? []) : [],
          ),
        );
  const left = axisOf('left', plan.left);
  const right = axisOf('right', plan.right);
  const formats = units.map((u, i) => ({
    unit: u,
    scale: (plan.sides[i] === 'right' ? right : left)?.scale,
    rank: plan.sides[i] === 'right' ? 1 : 0,
  }));
  const names = series.map((s) => s.name);
  const missing = series.filter((_, i) => plan.sides[i] === null);
  const line = (d: (typeof drawn)[number], key: 's' | 'p') => (
    <Line
      key={`${key}${d.i}`}
      yAxisId={d.side}
      type="linear"
      dataKey={`${key}${d.i}`}
      name={key === 's' ? d.s.name : `${d.s.name} (partial)`}
      stroke={paletteColor(d.i)}
      strokeWidth={1.5}
      {...(key === 's'
        ? { dot: d.s.points.length <= 20 ? { r: 2 } : false }
        : { dot: false, strokeDasharray: '4 3', legendType: 'none' as const })}
      isAnimationActive={false}
    />
  );
  const chart = (
    <ResponsiveContainer
      width="100%"
      height={missing.length && typeof height === 'number' ? height - 24 : height}
    >
      <LineChart data={rows} margin={{ top: 6, right: 12, bottom: 0, left: 0 }}>
        {timeGrid()}
        {timeAxis(from, to)}
        {left && unitYAxis(left, 'left', 'left')}
        {right && unitYAxis(right, 'right', 'right')}
        <Tooltip
          content={(p) => (
            <SortedTooltip
              active={p.active}
              payload={p.payload}
              label={p.label}
              names={names}
              formats={formats}
              partialAt={partialAt}
            />
          )}
        />
        {drawn.map((d) => line(d, 's'))}
        {partialAt !== null && drawn.map((d) => line(d, 'p'))}
      </LineChart>
    </ResponsiveContainer>
  );
  if (missing.length === 0) return chart;
  return (
    <>
      {chart}
      <div className="sub chart-undrawn" role="note">
        Not drawn (both axes hold other units):{' '}
        {missing.map((s) => `${s.name} (${unitTitle(s.unit ?? unit) || 'no unit'})`).join(', ')}
      </div>
    </>
  );
}
