import { Line, LineChart, XAxis, YAxis, CartesianGrid } from 'recharts';
import type { SeriesPoint } from '@sightline/model/api/metrics';
import { formatTick } from '../format.ts';

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
