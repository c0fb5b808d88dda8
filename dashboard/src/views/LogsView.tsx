import { useMemo } from 'react';
import { LogHistogramResponse, LogSearchResponse, type LogRecord } from '@sightline/model/api/logs';
import { apiGet, useApi } from '../api.ts';
import { navigate, withParams, type AppLocation } from '../router.ts';
import { resolveRange, writeTimeRange, type TimeRange } from '../time-range.ts';
import { usePaged } from '../use-paged.ts';
import { QueryBar } from '../components/QueryBar.tsx';
import { AddToDashboard } from '../dashboards/AddToDashboard.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { FacetSidebar } from '../logs/FacetSidebar.tsx';
import { LogContext } from '../logs/LogContext.tsx';
import { LogHistogram } from '../logs/LogHistogram.tsx';
import { LogTable } from '../logs/LogTable.tsx';
import { fieldsOf, readColumns, writeColumns } from '../logs/log-fields.ts';
import { useLiveTail } from '../logs/live-tail.ts';
import { highlightTerms } from '../logs/highlight.ts';
import { ColumnPicker } from '../logs/ColumnPicker.tsx';
import { SavedSearches } from '../logs/SavedSearches.tsx';
import {
  SelfTelemetryToggle,
  selfTelemetryParam,
  useShowSelfTelemetry,
} from '../components/SelfTelemetryToggle.tsx';

const PAGE = 500;

export function LogsView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const q = loc.params.get('q') ?? '';
  // A relative range is fixed once per URL so every panel shows the same window.
  const bounds = useBounds(range, loc);
  // `self=show` in the URL (the Pipeline page's link to Sightline's own logs) shows them too.
  const selfTelemetry = selfTelemetryParam(
    useShowSelfTelemetry() || loc.params.get('self') === 'show',
  );
  const key = JSON.stringify([q, bounds, selfTelemetry]);
  const hist = useApi(key, (signal) =>
    apiGet(LogHistogramResponse, '/logs/histogram', { q, ...bounds, selfTelemetry }, signal),
  );
  const rows = usePaged<LogRecord>(key, async (cursor, signal) => {
    // A cursor carries its page's range; from/to would be ignored.
    const page = await apiGet(
      LogSearchResponse,
      '/logs',
      cursor
        ? { q, cursor, limit: PAGE, selfTelemetry }
        : { q, ...bounds, limit: PAGE, selfTelemetry },
      signal,
    );
    return { items: page.rows, nextCursor: page.nextCursor };
  });
  const fields = useMemo(
    () => (rows.status === 'ok' ? fieldsOf(rows.data.items) : []),
    [rows.status === 'ok' ? rows.data.items : null],
  );
  const columns = readColumns(loc.params);
  const setColumns = (next: readonly string[]) =>
    navigate(withParams(loc, { cols: writeColumns(next) }), { replace: true });
  const terms = useMemo(() => highlightTerms(q), [q]);
  const around = loc.params.get('around');
  const live = loc.params.get('live') === '1';
  const tail = useLiveTail(q, live, selfTelemetry);
  const setQ = (next: string) => navigate(withParams(loc, { q: next, log: null, around: null }));
  const addClause = (clause: string) => setQ(q ? `${q} ${clause}` : clause);
  const zoom = (from: number, to: number) => {
    const params = new URLSearchParams(loc.params);
    writeTimeRange(params, { kind: 'absolute', from, to });
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
        <AddToDashboard
          panel={{
            title: q || 'Logs',
            type: 'logs',
            queries: [{ signal: 'logs', q }],
            options: {},
          }}
        />
        <button
          type="button"
          aria-pressed={live}
          className={live ? 'live-on' : undefined}
          onClick={() => navigate(withParams(loc, { live: live ? null : '1', log: null }))}
        >
          {live ? '■ Stop live tail' : '▶ Live tail'}
        </button>
        <ColumnPicker columns={columns} fields={fields} onChange={setColumns} />
        <SavedSearches q={q} columns={columns} range={range} openId={loc.params.get('saved')} />
        <SelfTelemetryToggle />
      </div>
      <div className="logs-layout">
        <FacetSidebar
          q={q}
          {...bounds}
          fields={fields}
          sampled={rows.status === 'ok' ? rows.data.items.length : 0}
          selfTelemetry={selfTelemetry}
          onFilter={addClause}
        />
        <div className="logs-main">
          {hist.status === 'error' && <ErrorPanel error={hist.error} retry={hist.reload} />}
          {hist.status === 'loading' && <Loading what="the histogram" />}
          {hist.status === 'ok' && <LogHistogram data={hist.data} onZoom={zoom} />}
          {around && !live ? (
            <LogContext
              key={around}
              anchor={around}
              onClose={() => navigate(withParams(loc, { around: null }))}
            />
          ) : live ? (
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
                  columns={columns}
                  terms={terms}
                  onFilter={addClause}
                />
              )}
            </>
          ) : (
            <>
              {rows.status === 'loading' && <Loading what="log records" />}
              {rows.status === 'error' && <ErrorPanel error={rows.error} retry={rows.reload} />}
              {rows.status === 'ok' && rows.data.items.length === 0 && (
                <Empty title="No log records match">
                  Loosen the query, or widen the time range above.
                </Empty>
              )}
              {rows.status === 'ok' && rows.data.items.length > 0 && (
                <LogTable
                  rows={rows.data.items}
                  expanded={loc.params.get('log')}
                  onExpand={(k) => navigate(withParams(loc, { log: k }), { replace: true })}
                  columns={columns}
                  terms={terms}
                  onFilter={addClause}
                  onContext={(k) => navigate(withParams(loc, { around: k }))}
                  footer={
                    <div className="table-footer">
                      <span className="sub">
                        {rows.data.items.length} records
                        {hist.status === 'ok' ? ` of ${hist.data.total}` : ''}
                      </span>
                      {rows.data.nextCursor && (
                        <button type="button" disabled={rows.loadingMore} onClick={rows.more}>
                          {rows.loadingMore ? 'Loading…' : `Load ${PAGE} older`}
                        </button>
                      )}
                      {rows.moreError && <span className="hint bad">{rows.moreError.message}</span>}
                    </div>
                  }
                />
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
