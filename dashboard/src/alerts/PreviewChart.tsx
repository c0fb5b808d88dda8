import {
  CartesianGrid,
  Line,
  LineChart,
  ReferenceLine,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { AlertPreviewResponse, AlertQuery, AlertStateName } from '@sightline/model/api/alerts';
import { formatTick, formatTime, paletteColor } from '../format.ts';
import { plotted, specialEntry, specialKey } from '../components/point-values.ts';
import { formatRuleValue, formatThreshold } from './rule-values.ts';
import { STATE_COLOR } from './StateBadge.tsx';

export interface StateMarker {
  readonly at: number;
  readonly to: AlertStateName;
  readonly groupKey: string;
}

interface Props {
  readonly preview: AlertPreviewResponse;
  /** The rule's query: says how its values read (an error rate in percent). */
  readonly query: Pick<AlertQuery, 'kind'> & { readonly measure?: string };
  /** Changes to mark; the preview's own replayed transitions unless given (recorded history). */
  readonly markers?: readonly StateMarker[];
  readonly height?: number;
}

const seriesName = (groupKey: string) => groupKey || 'value';

/** The rule's series per group, its threshold as a dashed line and state changes as verticals. */
export function PreviewChart({ preview, query, markers, height = 220 }: Props) {
  const formatValue = (v: number | string) => formatRuleValue(query, v);
  // The server spells the condition with the stored value (`> 0.309`): say it as the form does.
  const condition =
    preview.threshold === null
      ? preview.condition
      : `${preview.condition.split(' ')[0] ?? ''} ${formatThreshold(query, preview.threshold)}`;
  const rows = new Map<number, Record<string, number | string | null>>();
  preview.series.forEach((s, i) => {
    for (const [t, v] of s.points) {
      const row = rows.get(t) ?? { t };
      row[`s${i}`] = plotted(v);
      Object.assign(row, specialEntry(v, i));
      rows.set(t, row);
    }
  });
  const data = [...rows.values()].sort((a, b) => Number(a.t) - Number(b.t));
  const marks =
    markers ?? preview.transitions.map((t) => ({ at: t.at, to: t.to, groupKey: t.groupKey }));
  const span = preview.to - preview.from;
  return (
    <figure
      className="alert-preview-chart"
      role="img"
      aria-label={`Rule series with threshold ${condition}`}
      data-threshold={preview.threshold}
      data-markers={marks.length}
    >
      <ResponsiveContainer width="100%" height={height}>
        <LineChart data={data} margin={{ top: 12, right: 16, bottom: 0, left: 0 }}>
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="t"
            type="number"
            domain={[preview.from, preview.to]}
            tickFormatter={(t: number) => formatTick(t, span)}
            stroke="var(--muted)"
            fontSize={11}
          />
          <YAxis tickFormatter={formatValue} width={64} stroke="var(--muted)" fontSize={11} />
          <Tooltip
            labelFormatter={(t) => formatTime(Number(t), true)}
            formatter={(v, name, item) => {
              // NaN and infinities are not drawn: the row names them ("NaN", "+Inf", "-Inf").
              const key = specialKey(String(item.dataKey).slice(1));
              const special = (item.payload as Record<string, unknown> | undefined)?.[key];
              const text = typeof special === 'string' ? special : 'no data';
              return [typeof v === 'number' ? formatValue(v) : text, name];
            }}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          {marks.map((m, i) => (
            <ReferenceLine
              key={`m${i}`}
              x={m.at}
              stroke={STATE_COLOR[m.to]}
              strokeWidth={2}
              className={`alert-marker alert-marker-${m.to}`}
            />
          ))}
          {preview.threshold !== null && (
            <ReferenceLine
              y={preview.threshold}
              stroke="var(--error)"
              strokeDasharray="6 4"
              ifOverflow="extendDomain"
              className="alert-threshold"
              label={{
                value: `threshold ${condition}`,
                position: 'insideTopRight',
                fill: 'var(--error)',
                fontSize: 11,
              }}
            />
          )}
          {preview.series.map((s, i) => (
            <Line
              key={s.groupKey}
              name={seriesName(s.groupKey)}
              type="linear"
              dataKey={`s${i}`}
              stroke={paletteColor(i)}
              strokeWidth={1.5}
              // Sparse data (a burst, gaps of no data) gets dots, or lone points would not show.
              dot={
                s.points.filter(([, v]) => plotted(v) !== null).length <= 30
                  ? { r: 2.5, fill: paletteColor(i) }
                  : false
              }
              isAnimationActive={false}
            />
          ))}
        </LineChart>
      </ResponsiveContainer>
      <figcaption className="alert-legend">
        {preview.series.map((s, i) => (
          <span key={s.groupKey}>
            <span className="swatch" style={{ background: paletteColor(i) }} />
            {seriesName(s.groupKey)}
          </span>
        ))}
        <span>
          <span className="alert-legend-threshold" /> threshold {condition}
        </span>
        {(['pending', 'firing', 'resolved'] as const).map((state) => (
          <span key={state}>
            <span className="swatch" style={{ background: STATE_COLOR[state] }} />
            {state} ({marks.filter((m) => m.to === state).length})
          </span>
        ))}
      </figcaption>
    </figure>
  );
}
