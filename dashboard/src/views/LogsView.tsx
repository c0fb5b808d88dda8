import { useMemo } from 'react';
import {
  Bar,
  BarChart,
  CartesianGrid,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
  Legend,
} from 'recharts';
import { LOG_LEVELS, LogHistogramResponse, LogSearchResponse } from '@sightline/model/api/logs';
import { apiGet, useApi } from '../api.ts';
import { formatTick, formatTime, LEVEL_COLORS } from '../format.ts';
import { navigate, withParams, type AppLocation } from '../router.ts';
import { resolveRange, writeTimeRange, type TimeRange } from '../time-range.ts';
import { QueryBar } from '../components/QueryBar.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { FacetSidebar } from '../logs/FacetSidebar.tsx';
import { LogTable } from '../logs/LogTable.tsx';
import { useLiveTail } from '../logs/live-tail.ts';

const PAGE = 500;

export function LogsView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const q = loc.params.get('q') ?? '';
  // A relative range is fixed once per URL so every panel shows the same window.
  const bounds = useBounds(range, loc);
  const key = JSON.stringify([q, bounds]);
  const hist = useApi(key, (signal) =>
    apiGet(LogHistogramResponse, '/logs/histogram', { q, ...bounds }, signal),
  );
  const rows = useApi(key, (signal) =>
    apiGet(LogSearchResponse, '/logs', { q, ...bounds, limit: PAGE }, signal),
  );
  const live = loc.params.get('live') === '1';
  const tail = useLiveTail(q, live);
  const setQ = (next: string) => navigate(withParams(loc, { q: next, log: null }));
  const addClause = (clause: string) => setQ(q ? `${q} ${clause}` : clause);
  const zoom = (start: number, stepSeconds: number) => {
    const params = new URLSearchParams(loc.params);
    writeTimeRange(params, { kind: 'absolute', from: start, to: start + stepSeconds * 1000 });
    navigate(`${loc.path}?${params.toString()}`);
  };
  return (
    <section>
      <h1>Logs</h1>
      <QueryBar
        value={q}
        onSubmit={setQ}
        placeholder='e.g. level:error service:checkout "payment failed" -env:dev'
      />
      <div className="toolbar">
        <button
          type="button"
          aria-pressed={live}
          className={live ? 'live-on' : undefined}
          onClick={() => navigate(withParams(loc, { live: live ? null : '1', log: null }))}
        >
          {live ? '■ Stop live tail' : '▶ Live tail'}
        </button>
      </div>
      <div className="logs-layout">
        <FacetSidebar q={q} {...bounds} extraFields={[]} onFilter={addClause} />
        <div className="logs-main">
          {hist.status === 'error' && <ErrorPanel error={hist.error} retry={hist.reload} />}
          {hist.status === 'loading' && <Loading what="the histogram" />}
          {hist.status === 'ok' && (
            <div className="card histogram" aria-label="Log volume by severity">
              <div className="sub">
                {hist.data.total} records · {hist.data.stepSeconds}s buckets · click a bar to zoom
                in
              </div>
              <ResponsiveContainer width="100%" height={150}>
                <BarChart
                  data={hist.data.buckets}
                  margin={{ top: 6, right: 8, bottom: 0, left: 0 }}
                  onClick={(state) => {
                    const i =
                      typeof state.activeTooltipIndex === 'number'
                        ? state.activeTooltipIndex
                        : Number(state.activeTooltipIndex);
                    const b = Number.isInteger(i) ? hist.data.buckets[i] : undefined;
                    if (b) zoom(b.start, hist.data.stepSeconds);
                  }}
                >
                  <CartesianGrid stroke="var(--grid)" vertical={false} />
                  <XAxis
                    dataKey="start"
                    tickFormatter={(t: number) => formatTick(t, hist.data.to - hist.data.from)}
                    stroke="var(--muted)"
                    fontSize={11}
                    minTickGap={30}
                  />
                  <YAxis allowDecimals={false} width={48} stroke="var(--muted)" fontSize={11} />
                  <Tooltip
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
                </BarChart>
              </ResponsiveContainer>
            </div>
          )}
          {live ? (
            <>
              <p className={`live-status${tail.status === 'error' ? ' bad' : ''}`} role="status">
                {tail.status === 'connecting' && 'Connecting to the live tail…'}
                {tail.status === 'live' &&
                  `Live: new records matching the query appear on top (${tail.rows.length} so far).`}
                {tail.status === 'reconnecting' && 'Connection lost; reconnecting…'}
                {tail.status === 'error' &&
                  `The live tail stopped: ${tail.message}. Turn it off and on to retry.`}
              </p>
              {tail.rows.length > 0 && (
                <LogTable
                  rows={tail.rows}
                  expanded={loc.params.get('log')}
                  onExpand={(k) => navigate(withParams(loc, { log: k }), { replace: true })}
                />
              )}
            </>
          ) : (
            <>
              {rows.status === 'loading' && <Loading what="log records" />}
              {rows.status === 'error' && <ErrorPanel error={rows.error} retry={rows.reload} />}
              {rows.status === 'ok' && rows.data.rows.length === 0 && (
                <Empty title="No log records match">
                  Loosen the query, or widen the time range above.
                </Empty>
              )}
              {rows.status === 'ok' && rows.data.rows.length > 0 && (
                <>
                  <LogTable
                    rows={rows.data.rows}
                    expanded={loc.params.get('log')}
                    onExpand={(k) => navigate(withParams(loc, { log: k }), { replace: true })}
                  />
                  {rows.data.nextCursor && (
                    <p className="hint">
                      Showing the newest {PAGE}: narrow the query or time range to see older
                      records.
                    </p>
                  )}
                </>
              )}
            </>
          )}
        </div>
      </div>
    </section>
  );
}

/** Bounds of the range, recomputed when the URL (not the clock) changes. */
function useBounds(range: TimeRange, loc: AppLocation): { from: number; to: number } {
  const urlKey = JSON.stringify(range) + (loc.params.get('q') ?? '');
  // `range` is named by `urlKey`; a sliding range moves only when the URL changes.
  return useMemo(() => resolveRange(range), [urlKey]);
}
