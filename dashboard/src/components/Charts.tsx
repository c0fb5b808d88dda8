import {
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  CartesianGrid,
} from 'recharts';
import type { SeriesPoint } from '@sightline/model/api/metrics';
import { formatTick, formatTime } from '../format.ts';

/** Horizontal grid lines of a time chart. */
export const timeGrid = () => <CartesianGrid stroke="var(--grid)" vertical={false} />;

/** The x axis of a time chart: epoch ms over [from, to], labelled for the span. */
export const timeAxis = (from: number, to: number) => (
  <XAxis
    dataKey="t"
    type="number"
    domain={[from, to]}
    tickFormatter={(t: number) => formatTick(t, to - from)}
    stroke="var(--muted)"
    fontSize={11}
  />
);

const toRows = (points: readonly SeriesPoint[]) => points.map(([t, v]) => ({ t, v }));

/** A tiny line without axes, for tables; isolated points get a dot so they do not vanish. */
export function Sparkline({
  points,
  color,
  label,
  steps,
}: {
  points: readonly SeriesPoint[];
  color: string;
  label: string;
  /** A level held until the next point (a state), drawn as steps on a fixed 0…max scale. */
  steps?: { readonly max: number };
}) {
  const withData = points.filter(([, v]) => v !== null).length;
  const first = points[0]?.[0] ?? 0;
  const last = points[points.length - 1]?.[0] ?? 1;
  return (
    <div className="sparkline" aria-label={label} role="img">
      <LineChart
        width={120}
        height={28}
        data={toRows(points)}
        margin={{ top: 3, right: 3, bottom: 3, left: 3 }}
      >
        <XAxis hide dataKey="t" type="number" domain={[first, last]} />
        <YAxis hide domain={[0, steps?.max ?? 'auto']} />
        <Line
          type={steps ? 'stepAfter' : 'linear'}
          dataKey="v"
          stroke={color}
          strokeWidth={1.5}
          dot={withData <= 3 ? { r: 1.5, fill: color } : false}
          isAnimationActive={false}
        />
      </LineChart>
    </div>
  );
}

interface SeriesChartProps {
  readonly title: string;
  readonly points: readonly SeriesPoint[];
  readonly color: string;
  readonly format: (v: number) => string;
  readonly from: number;
  readonly to: number;
}

/** One titled time series with axes, as on the service page. */
export function SeriesChart({ title, points, color, format, from, to }: SeriesChartProps) {
  return (
    <figure className="series-chart">
      <figcaption>{title}</figcaption>
      <ResponsiveContainer width="100%" height={140}>
        <LineChart data={toRows(points)} margin={{ top: 6, right: 8, bottom: 0, left: 0 }}>
          {timeGrid()}
          {timeAxis(from, to)}
          <YAxis tickFormatter={format} width={64} stroke="var(--muted)" fontSize={11} />
          <Tooltip
            labelFormatter={(t) => formatTime(Number(t))}
            formatter={(v) => [typeof v === 'number' ? format(v) : '—', title]}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          {/* Empty steps are gaps, not zeros; sparse points get dots so they stay visible. */}
          <Line
            type="linear"
            dataKey="v"
            stroke={color}
            strokeWidth={1.5}
            dot={points.filter(([, v]) => v !== null).length <= 20 ? { r: 2, fill: color } : false}
            isAnimationActive={false}
          />
        </LineChart>
      </ResponsiveContainer>
    </figure>
  );
}
