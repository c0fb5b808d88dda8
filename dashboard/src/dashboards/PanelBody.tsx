import { useState } from 'react';
import type { Panel, PanelQuery, Threshold } from '@sightline/model/api/dashboards';
import { parsePointValue } from '@sightline/model/prom-value';
import { formatMs, formatTime, nsToEpochMs, nsToMs, paletteColor } from '../format.ts';
import { hrefTo } from '../router.ts';
import { writeRows } from '../metrics/metric-queries.ts';
import { Link } from '../components/Link.tsx';
import { UnitChart } from '../components/UnitChart.tsx';
import { LogTable } from '../logs/LogTable.tsx';
import { formatValue } from '../units.ts';
import { type PanelData, type PanelSeries } from './panel-data.ts';

/** The explorer page that shows the same query over the same window. */
export function explorerHref(q: PanelQuery, from: number, to: number): string {
  const range = { from: new Date(from).toISOString(), to: new Date(to).toISOString() };
  switch (q.signal) {
    case 'logs':
      return hrefTo('/logs', { ...range, q: q.q });
    case 'traces':
      return hrefTo('/traces', {
        ...range,
        service: q.service,
        operation: q.operation,
        q: q.q,
      });
    case 'metrics': {
      const params = new URLSearchParams();
      const f = q.filters?.[0];
      const filter =
        f?.value !== undefined ? `${f.key}${f.op === 'neq' ? '!=' : '='}${f.value}` : '';
      writeRows(params, [
        { metric: q.metric, agg: q.aggregation, by: q.groupBy?.[0] ?? '', filter },
      ]);
      return hrefTo('/explore/metrics', { ...range, ...Object.fromEntries(params) });
    }
    case 'promql':
      return hrefTo('/explore/metrics', { ...range, lang: 'promql', promql: q.expr });
  }
}

const lastValue = (s: PanelSeries): number | null => {
  for (let i = s.points.length - 1; i >= 0; i--) {
    // NaN and infinities are values (formatValue names them); null is none.
    const v = parsePointValue(s.points[i]?.[1]);
    if (v !== null) return v;
  }
  return null;
};

/** The colour of the highest threshold `v` reaches. */
export function thresholdColor(
  v: number | null,
  thresholds: readonly Threshold[] = [],
): string | undefined {
  if (v === null) return undefined;
  const reached = [...thresholds].sort((a, b) => a.value - b.value).filter((t) => v >= t.value);
  return reached[reached.length - 1]?.color;
}

/** One figure a unit: several series of one unit (a group-by) add up to a count or rate of all. */
export function statValues(
  series: readonly PanelSeries[],
): { unit: string; value: number | null }[] {
  const units = [...new Set(series.map((s) => s.unit))];
  return units.map((unit) => {
    const values = series
      .filter((s) => s.unit === unit)
      .map(lastValue)
      .filter((v): v is number => v !== null);
    return { unit, value: values.length === 0 ? null : values.reduce((a, b) => a + b, 0) };
  });
}

function Stat({ data, panel }: { data: Extract<PanelData, { kind: 'series' }>; panel: Panel }) {
  return (
    <div className="panel-stats">
      {statValues(data.series).map(({ unit, value }) => {
        const color = thresholdColor(value, panel.options.thresholds);
        return (
          <div
            key={unit}
            className={`panel-stat${color ? ` stat-${color}` : ''}`}
            data-testid="stat-value"
          >
            {formatValue(value, unit)}
          </div>
        );
      })}
    </div>
  );
}

function Bars({ data, limit }: { data: Extract<PanelData, { kind: 'series' }>; limit: number }) {
  const rows = data.series
    .map((s) => ({ name: s.name, unit: s.unit, v: lastValue(s) }))
    .sort((a, b) => (b.v ?? -Infinity) - (a.v ?? -Infinity))
    .slice(0, limit);
  // Bars of one unit compare with each other only.
  const max = (unit: string) =>
    Math.max(0, ...rows.filter((r) => r.unit === unit).map((r) => r.v ?? 0));
  return (
    <table className="panel-bars">
      <tbody>
        {rows.map((r, i) => (
          <tr key={r.name}>
            <td className="legend-name">{r.name}</td>
            <td className="panel-bar-cell">
              <span
                className="panel-bar"
                style={{
                  width: `${max(r.unit) > 0 ? ((r.v ?? 0) / max(r.unit)) * 100 : 0}%`,
                  background: paletteColor(i),
                }}
              />
            </td>
            <td className="num">{formatValue(r.v, r.unit)}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

function Logs({ rows }: { rows: Extract<PanelData, { kind: 'logs' }>['rows'] }) {
  const [expanded, setExpanded] = useState<string | null>(null);
  return <LogTable rows={rows} expanded={expanded} onExpand={setExpanded} />;
}

function Traces({ rows }: { rows: Extract<PanelData, { kind: 'traces' }>['rows'] }) {
  return (
    <table className="panel-traces">
      <thead>
        <tr>
          <th>Start</th>
          <th>Root</th>
          <th className="num">Duration</th>
          <th className="num">Spans</th>
          <th className="num">Errors</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((t) => (
          <tr key={t.traceId}>
            <td className="nowrap">{formatTime(nsToEpochMs(t.startTimeUnixNano))}</td>
            <td>
              <Link href={hrefTo(`/traces/${t.traceId}`)}>
                {t.rootServiceName}: {t.rootName}
              </Link>
            </td>
            <td className="num">{formatMs(nsToMs(t.durationNano))}</td>
            <td className="num">{t.spanCount}</td>
            <td className={`num${t.errorCount > 0 ? ' bad' : ''}`}>{t.errorCount}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

/** A panel's content as its type draws it. */
export function PanelBody({ panel, data }: { panel: Panel; data: PanelData }) {
  if (data.kind === 'logs') return data.rows.length ? <Logs rows={data.rows} /> : <NoData />;
  if (data.kind === 'traces') return data.rows.length ? <Traces rows={data.rows} /> : <NoData />;
  if (data.series.length === 0) return <NoData />;
  switch (panel.type) {
    case 'stat':
      return <Stat data={data} panel={panel} />;
    case 'bar':
      return <Bars data={data} limit={panel.options.limit ?? 10} />;
    default:
      return (
        <UnitChart
          series={data.series}
          unit=""
          from={data.from}
          to={data.to}
          step={data.step}
          height="100%"
        />
      );
  }
}

const NoData = () => <div className="panel-empty sub">No data in this time range</div>;
