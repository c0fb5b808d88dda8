import {
  Bar,
  BarChart,
  CartesianGrid,
  Legend,
  ReferenceArea,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import { LOG_LEVELS, type LogHistogramResponse } from '@sightline/model/api/logs';
import { formatTick, formatTime, LEVEL_COLORS } from '../format.ts';
import { SELECTION_LOOK, useDragZoom } from '../components/use-drag-zoom.ts';

interface Props {
  readonly data: LogHistogramResponse;
  /** A range picked on the chart: one bucket clicked, or several dragged across. */
  readonly onZoom: (from: number, to: number) => void;
}

export function LogHistogram({ data, onZoom }: Props) {
  const zoom = useDragZoom(data.stepSeconds * 1000, onZoom);
  return (
    <div className="card histogram" aria-label="Log volume by severity">
      <div className="sub">
        {data.total} records · {data.stepSeconds}s buckets · click a bar or drag across bars to zoom
        in
      </div>
      <ResponsiveContainer width="100%" height={150}>
        <BarChart
          data={data.buckets}
          margin={{ top: 6, right: 8, bottom: 0, left: 0 }}
          style={{ userSelect: 'none', cursor: 'crosshair' }}
          {...zoom.handlers}
        >
          <CartesianGrid stroke="var(--grid)" vertical={false} />
          <XAxis
            dataKey="start"
            tickFormatter={(t: number) => formatTick(t, data.to - data.from)}
            stroke="var(--muted)"
            fontSize={11}
            minTickGap={30}
          />
          <YAxis allowDecimals={false} width={48} stroke="var(--muted)" fontSize={11} />
          <Tooltip
            // Hidden while dragging: it would cover the selection.
            active={zoom.selection ? false : undefined}
            labelFormatter={(t) => formatTime(Number(t), true)}
            contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
          />
          <Legend iconSize={8} wrapperStyle={{ fontSize: 11 }} itemSorter={null} />
          {LOG_LEVELS.map((l) => (
            <Bar
              key={l}
              dataKey={l}
              stackId="sev"
              fill={LEVEL_COLORS[l]}
              isAnimationActive={false}
            />
          ))}
          {zoom.selection && (
            <ReferenceArea x1={zoom.selection.x1} x2={zoom.selection.x2} {...SELECTION_LOOK} />
          )}
        </BarChart>
      </ResponsiveContainer>
    </div>
  );
}
