import { useMemo } from 'react';
import { LogSearchResponse } from '@sightline/model/api/logs';
import { MetricsQueryResponse } from '@sightline/model/api/metrics';
import { apiGet, apiPost, useApi } from '../api.ts';
import { formatTime, LEVEL_COLORS, nsToEpochMs, paletteColor } from '../format.ts';
import { hrefTo, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { MetricChart } from '../metrics/MetricChart.tsx';
import { pipelineFigures, type Figure } from './pipeline-figures.ts';
import {
  INTERNAL_PROBLEMS_QUERY,
  PANELS,
  panelSeries,
  pipelineRequest,
} from './pipeline-panels.ts';

const GRID = {
  display: 'grid',
  gridTemplateColumns: 'repeat(auto-fit, minmax(480px, 1fr))',
  gap: '16px',
} as const;

function Figures({ figures }: { figures: readonly Figure[] }) {
  return (
    <dl className="pipeline-figures" aria-label="Pipeline now">
      {figures.map((f) => (
        <div key={f.id} className="card pipeline-figure" data-figure={f.id}>
          <dt>{f.label}</dt>
          <dd className="pipeline-figure-value">{f.value}</dd>
          {f.detail && <dd className="pipeline-figure-detail">{f.detail}</dd>}
          <dd className="hint">{f.meaning}</dd>
        </div>
      ))}
    </dl>
  );
}

/**
 * Sightline watching itself: the four figures to act on first, then charts of the self-metrics every role exports (tagged
 * sightline.internal=true) and the warnings and errors it logged.
 */
export function PipelineView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const rangeKey = JSON.stringify(range);
  const bounds = useMemo(() => resolveRange(range), [rangeKey]);
  const charts = useApi(rangeKey, (signal) =>
    apiPost(
      MetricsQueryResponse,
      '/metrics/query',
      pipelineRequest(bounds.from, bounds.to),
      signal,
    ),
  );
  const problems = useApi(rangeKey, (signal) =>
    apiGet(
      LogSearchResponse,
      '/logs',
      {
        q: INTERNAL_PROBLEMS_QUERY,
        from: bounds.from,
        to: bounds.to,
        limit: 20,
        // Sightline's own logs are what this page lists: never hidden here.
        selfTelemetry: 'show',
      },
      signal,
    ),
  );
  return (
    <section className="pipeline">
      <h1>Sightline pipeline</h1>
      <p className="hint">
        Sightline&apos;s own metrics and logs (services <span className="mono">sightline-*</span>,
        resource attribute <span className="mono">sightline.internal=true</span>), sent by every
        role unless SIGHTLINE_SELF_TELEMETRY=off.
      </p>
      {charts.status === 'loading' && <Loading what="pipeline metrics" />}
      {charts.status === 'error' && <ErrorPanel error={charts.error} retry={charts.reload} />}
      {charts.status === 'ok' && <Figures figures={pipelineFigures(charts.data.results)} />}
      {charts.status === 'ok' && (
        <div style={GRID}>
          {PANELS.map((panel) => {
            const series = panelSeries(panel, charts.data.results, paletteColor);
            const first = charts.data.results[0];
            return (
              <article
                key={panel.id}
                className="card"
                data-panel={panel.id}
                aria-label={panel.title}
              >
                <h2>
                  {panel.title} <span className="hint">({panel.unit})</span>
                </h2>
                {series.length === 0 || !first ? (
                  <Empty title="No data in this time range">{panel.emptyHint}</Empty>
                ) : (
                  <MetricChart series={series} mode="line" from={first.from} to={first.to} />
                )}
              </article>
            );
          })}
        </div>
      )}
      <h2>Recent warnings and errors</h2>
      {problems.status === 'loading' && <Loading what="internal logs" />}
      {problems.status === 'error' && <ErrorPanel error={problems.error} retry={problems.reload} />}
      {problems.status === 'ok' && problems.data.rows.length === 0 && (
        <Empty title="No warnings or errors logged by Sightline in this time range" />
      )}
      {problems.status === 'ok' && problems.data.rows.length > 0 && (
        <table className="grid" aria-label="Internal warnings and errors">
          <thead>
            <tr>
              <th>Time</th>
              <th>Level</th>
              <th>Service</th>
              <th>Message</th>
            </tr>
          </thead>
          <tbody>
            {problems.data.rows.map((row) => (
              <tr key={`${row.timestamp}-${row.id}`}>
                <td className="nowrap">{formatTime(nsToEpochMs(row.timestamp), true)}</td>
                <td>
                  <span className="level" style={{ color: LEVEL_COLORS[row.level] }}>
                    {row.level}
                  </span>
                </td>
                <td className="mono">{row.service}</td>
                <td className="mono">{row.body}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <p className="hint">
        <Link
          href={hrefTo(
            '/logs',
            { q: 'resource.sightline.internal:true', self: 'show' },
            loc.params,
          )}
        >
          All of Sightline&apos;s own logs
        </Link>
      </p>
    </section>
  );
}
