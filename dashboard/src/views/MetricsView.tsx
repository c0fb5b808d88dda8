import { lazy, Suspense, useMemo } from 'react';
import {
  MetricNamesResponse,
  MetricsQueryResponse,
  type MetricQuery,
} from '@sightline/model/api/metrics';
import { AddToDashboard, type NewPanel } from '../dashboards/AddToDashboard.tsx';
import { apiGet, apiPost, useApi } from '../api.ts';
import { paletteColor } from '../format.ts';
import { navigate, withParams, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { chartStep } from '../components/step.ts';
import { SendDataHint } from '../components/SendDataHint.tsx';
import { StepSelect } from '../components/StepSelect.tsx';
import { useElementWidth } from '../components/use-element-width.ts';
import { chartSeries, MetricChart } from '../metrics/MetricChart.tsx';
import { QueryRowEditor } from '../metrics/QueryRowEditor.tsx';
import { MetricSearch } from '../metrics/MetricSearch.tsx';
import {
  CHART_MODES,
  EMPTY_ROW,
  readMode,
  readRows,
  toApiQuery,
  writeRows,
  type QueryRow,
} from '../metrics/metric-queries.ts';

// CodeMirror and the PromQL grammar load with the PromQL mode, not with the dashboard.
const PromQLExplorer = lazy(async () => ({
  default: (await import('../promql/PromQLExplorer.tsx')).PromQLExplorer,
}));

const MAX_ROWS = 10;

/** The explorer's first complete query as a dashboard panel. */
const metricsPanel = (q: MetricQuery | null): NewPanel | null =>
  q === null
    ? null
    : {
        title: `${q.aggregation}(${q.metric})`,
        type: 'timeseries',
        options: {},
        queries: [
          {
            signal: 'metrics',
            metric: q.metric,
            aggregation: q.aggregation,
            ...(q.groupBy ? { groupBy: q.groupBy } : {}),
            ...(q.filters ? { filters: q.filters } : {}),
          },
        ],
      };
/** The PromQL mode's expression as a dashboard panel, charted as the explorer charts it. */
const promqlPanel = (expr: string | null): NewPanel | null => {
  const e = expr?.trim() ?? '';
  if (e === '') return null;
  const title = e.length > 200 ? `${e.slice(0, 199)}…` : e;
  return { title, type: 'timeseries', options: {}, queries: [{ signal: 'promql', expr: e }] };
};
const MODE_LABEL = { line: 'Line', area: 'Area', stacked: 'Stacked area' } as const;

export function MetricsView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const rows = readRows(loc.params);
  const mode = readMode(loc.params);
  // Unset: auto, from the chart's width.
  const fixedStep = loc.params.get('step') ?? undefined;
  // A relative range is fixed once per URL so every query covers the same window.
  const rangeKey = JSON.stringify(range);
  const bounds = useMemo(() => resolveRange(range), [rangeKey]);
  const chart = useElementWidth<HTMLDivElement>();
  const step = chart.width === null ? null : chartStep(bounds, chart.width, fixedStep);
  const names = useApi(rangeKey, (signal) =>
    apiGet(MetricNamesResponse, '/metrics/names', bounds, signal),
  );
  const setRows = (next: readonly QueryRow[]) => {
    const params = new URLSearchParams(loc.params);
    writeRows(params, next);
    navigate(`${loc.path}?${params.toString()}`);
  };
  const setMode = (m: string) => {
    const params = new URLSearchParams(loc.params);
    if (m === 'line') params.delete('mode');
    else params.set('mode', m);
    navigate(`${loc.path}?${params.toString()}`);
  };
  const metrics = names.status === 'ok' ? names.data.metrics : [];
  const queries = rows.map((r, i) =>
    toApiQuery(
      r,
      i,
      metrics.find((m) => m.name === r.metric),
    ),
  );
  const ready = queries.filter((q) => q !== null);
  const res = useApi(
    names.status === 'ok' && ready.length > 0 && step !== null
      ? JSON.stringify([ready, bounds, step])
      : null,
    (signal) =>
      apiPost(
        MetricsQueryResponse,
        '/metrics/query',
        {
          from: String(bounds.from),
          to: String(bounds.to),
          ...(step ? { step } : {}),
          queries: ready,
        },
        signal,
      ),
  );
  // Results come back in request order; map them onto rows (an incomplete row has none).
  const byRow = rows.map((_, i) =>
    res.status === 'ok' ? res.data.results.find((r) => r.id === String(i)) : undefined,
  );
  const rowColor = (row: number, series = 0) => paletteColor(row * 3 + series);
  const series = chartSeries(byRow, rowColor);
  const first = byRow.find((r) => r !== undefined);
  // `promql` in the URL (an alert's link sets it) or `lang=promql`: the PromQL mode.
  const promql = loc.params.get('promql');
  const promqlMode = promql !== null || loc.params.get('lang') === 'promql';
  const modeTabs = (
    <div className="tabs" role="radiogroup" aria-label="Query language">
      <button
        type="button"
        role="radio"
        aria-checked={!promqlMode}
        onClick={() => navigate(withParams(loc, { lang: null, promql: null }))}
      >
        Builder
      </button>
      <button
        type="button"
        role="radio"
        aria-checked={promqlMode}
        onClick={() => navigate(withParams(loc, { lang: 'promql' }))}
      >
        PromQL
      </button>
    </div>
  );
  if (promqlMode) {
    return (
      <section>
        <h1>Metrics</h1>
        {modeTabs}
        <div className="filters">
          <AddToDashboard panel={promqlPanel(promql)} />
        </div>
        <div className="card metric-chart">
          <Suspense fallback={<Loading what="the PromQL editor" />}>
            <PromQLExplorer
              expr={promql ?? ''}
              onRun={(expr) => navigate(withParams(loc, { lang: 'promql', promql: expr.trim() }))}
              bounds={bounds}
              step={step ?? fixedStep}
              mode={mode}
            />
          </Suspense>
        </div>
      </section>
    );
  }
  return (
    <section>
      <h1>Metrics</h1>
      {modeTabs}
      {names.status === 'loading' && <Loading what="metric names" />}
      {names.status === 'error' && <ErrorPanel error={names.error} retry={names.reload} />}
      {names.status === 'ok' && metrics.length === 0 && (
        <Empty title="No metrics in this time range">
          Widen the time range, or <SendDataHint signal="metrics" />.
        </Empty>
      )}
      {names.status === 'ok' && metrics.length > 0 && (
        <div className="metrics-layout">
          <MetricSearch
            metrics={metrics}
            active={new Set(rows.map((r) => r.metric))}
            onPick={(name) => setRows([...rows.slice(0, -1), { ...EMPTY_ROW, metric: name }])}
          />
          <div className="card metric-chart" ref={chart.ref}>
            <div className="query-rows">
              {rows.map((r, i) => (
                <QueryRowEditor
                  // Keyed by position and content: a row's draft filter resets when the URL moves.
                  key={`${i}:${r.metric}:${r.filter}`}
                  index={i}
                  row={r}
                  metrics={metrics}
                  {...bounds}
                  color={rowColor(i)}
                  onChange={(next) => setRows(rows.map((x, j) => (j === i ? next : x)))}
                  onRemove={rows.length > 1 ? () => setRows(rows.filter((_, j) => j !== i)) : null}
                />
              ))}
              <div className="filters">
                <button
                  type="button"
                  disabled={rows.length >= MAX_ROWS}
                  onClick={() => setRows([...rows, EMPTY_ROW])}
                >
                  + Add query
                </button>
                <AddToDashboard panel={metricsPanel(ready[0] ?? null)} />
                <div className="spacer" />
                <StepSelect
                  value={fixedStep}
                  auto={fixedStep === undefined ? (step ?? undefined) : undefined}
                  onChange={(s) => navigate(withParams(loc, { step: s ?? null }))}
                />
                <div className="tabs" role="radiogroup" aria-label="Chart type">
                  {CHART_MODES.map((m) => (
                    <button
                      key={m}
                      type="button"
                      role="radio"
                      aria-checked={mode === m}
                      onClick={() => setMode(m)}
                    >
                      {MODE_LABEL[m]}
                    </button>
                  ))}
                </div>
              </div>
            </div>
            {ready.length === 0 && (
              <Empty title="Pick a metric">Choose one on the left or in the query row.</Empty>
            )}
            {ready.length > 0 && res.status === 'loading' && <Loading what="the chart" />}
            {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
            {res.status === 'ok' && series.length === 0 && (
              <Empty title="No data points for these queries">
                Try another aggregation, or widen the time range.
              </Empty>
            )}
            {res.status === 'ok' && series.length > 0 && first && (
              <MetricChart series={series} mode={mode} from={first.from} to={first.to} />
            )}
            {byRow.some((r) => r?.truncated) && (
              <p className="hint">More series matched than shown: group by fewer keys.</p>
            )}
          </div>
        </div>
      )}
    </section>
  );
}
