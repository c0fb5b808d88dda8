import { useMemo } from 'react';
import {
  CartesianGrid,
  ReferenceArea,
  ResponsiveContainer,
  Scatter,
  ScatterChart,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import type { TraceScatterPoint } from '@sightline/model/api/trace-scatter';
import { formatMs, nsToEpochMs, nsToMs } from '../format.ts';
import { formatTick, formatTime, zoneOffsetMs } from '../components/time-format.ts';
import { SELECTION_LOOK, useAxisDragZoom, XAxisReader } from '../components/use-drag-zoom.ts';

interface Dot {
  readonly t: number;
  readonly ms: number;
  readonly trace: TraceScatterPoint;
}

const SECOND = 1000;
const MINUTE = 60 * SECOND;
const HOUR = 60 * MINUTE;
const TICK_STEPS = [1, 2, 5, 10, 15, 30]
  .map((n) => n * SECOND)
  .concat(
    [1, 2, 5, 10, 15, 30].map((n) => n * MINUTE),
    [1, 2, 3, 6, 12, 24].map((n) => n * HOUR),
  );

/**
 * At most `most` ticks on whole local seconds, minutes or hours inside [from, to]: a zoomed window
 * starts anywhere, and evenly spaced ticks from its edge would read 07:53:52, 07:58:02, ….
 */
export function timeTicks(from: number, to: number, most = 8): number[] {
  const span = to - from;
  const step =
    TICK_STEPS.find((s) => span / s <= most) ?? 24 * HOUR * Math.ceil(span / (24 * HOUR) / most);
  // Aligned in the chosen zone (local or UTC), so hour and day ticks fall on the clock's hours and midnights.
  const offset = -zoneOffsetMs(from);
  const ticks: number[] = [];
  for (let t = Math.ceil((from - offset) / step) * step + offset; t <= to; t += step) ticks.push(t);
  return ticks;
}

interface Props {
  /** Every match, or an even sample of them when there are more than the server sends. */
  readonly traces: readonly TraceScatterPoint[];
  /** How many traces match in the range. */
  readonly total: number;
  readonly totalIsLowerBound?: boolean;
  /** Every match is still being gathered: `traces` are the ones loaded so far. */
  readonly pending?: boolean;
  /** The searched window (epoch ms): the x axis spans all of it, not only the traces found. */
  readonly from: number;
  readonly to: number;
  readonly onOpen: (traceId: string) => void;
  /** The span dragged across, in epoch ms. */
  readonly onZoom: (from: number, to: number) => void;
}

/** Trace durations over time; click a dot to open its trace, drag across the chart to zoom in. */
export function TraceScatter(props: Props) {
  const {
    traces,
    total,
    totalIsLowerBound = false,
    pending = false,
    from,
    to,
    onOpen,
    onZoom,
  } = props;
  const zoom = useAxisDragZoom(onZoom);
  const dots: Dot[] = useMemo(
    () =>
      traces.map((t) => ({
        t: nsToEpochMs(t.startTimeUnixNano),
        ms: nsToMs(t.durationNano),
        trace: t,
      })),
    [traces],
  );
  return (
    <div className="card scatter" data-testid="trace-scatter">
      <div className="sub" data-testid="scatter-count">
        {pending
          ? `the ${traces.length.toLocaleString('en')} traces loaded below; gathering every match in the range…`
          : traces.length < total
            ? `${traces.length.toLocaleString('en')} of ${totalIsLowerBound ? 'more than ' : ''}${total.toLocaleString('en')} matching traces drawn: a sample taken on the server, evenly over time`
            : `all ${total.toLocaleString('en')} matching trace${total === 1 ? '' : 's'} in the range`}{' '}
        · click a dot to open its trace · drag across the chart to zoom in
      </div>
      <ResponsiveContainer width="100%" height={220}>
        <ScatterChart
          margin={{ top: 10, right: 16, bottom: 4, left: 4 }}
          style={{ userSelect: 'none', cursor: 'crosshair' }}
          {...zoom.handlers}
        >
          <XAxisReader into={zoom.axis} />
          <CartesianGrid stroke="var(--grid)" />
          <XAxis
            dataKey="t"
            type="number"
            domain={[from, to]}
            ticks={timeTicks(from, to)}
            tickFormatter={(t: number) => formatTick(t, to - from)}
            stroke="var(--muted)"
            fontSize={11}
            name="start"
          />
          <YAxis
            dataKey="ms"
            type="number"
            tickFormatter={(v: number) => formatMs(v)}
            stroke="var(--muted)"
            fontSize={11}
            width={70}
            name="duration"
            padding={{ top: 8 }}
          />
          <Tooltip
            // A tooltip left over from hovering a dot would cover the span being selected.
            active={zoom.selection ? false : undefined}
            cursor={{ strokeDasharray: '3 3' }}
            content={({ payload }) => {
              const d = payload?.[0]?.payload as Dot | undefined;
              return d ? (
                <div className="tooltip">
                  <strong>
                    {d.trace.rootServiceName}: {d.trace.rootName}
                  </strong>
                  <div>
                    {formatMs(d.ms)} · {d.trace.spanCount} spans
                    {d.trace.errorCount ? ` · ${d.trace.errorCount} errors` : ''}
                  </div>
                  <div>{formatTime(d.t, true)}</div>
                </div>
              ) : null;
            }}
          />
          <Scatter
            data={dots}
            isAnimationActive={false}
            shape={(props: { cx?: number; cy?: number; payload?: Dot }) => {
              const d = props.payload;
              if (!d || props.cx === undefined || props.cy === undefined) return <g />;
              return (
                <circle
                  cx={props.cx}
                  cy={props.cy}
                  r={5}
                  className="dot"
                  data-trace-id={d.trace.traceId}
                  fill={d.trace.errorCount > 0 ? 'var(--error)' : 'var(--accent)'}
                  onClick={() => onOpen(d.trace.traceId)}
                />
              );
            }}
          />
          {zoom.selection && (
            <ReferenceArea x1={zoom.selection.x1} x2={zoom.selection.x2} {...SELECTION_LOOK} />
          )}
        </ScatterChart>
      </ResponsiveContainer>
    </div>
  );
}
