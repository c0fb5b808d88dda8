import { useState, type FormEvent } from 'react';
import {
  OperationsResponse,
  ServicesResponse,
  TraceSearchResponse,
  type TraceSummary,
} from '@sightline/model/api/traces';
import { apiGet, useApi } from '../api.ts';
import { formatMs, formatTime, nsToEpochMs, nsToMs } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';
import { resolveRange, writeTimeRange, type TimeRange } from '../time-range.ts';
import { usePaged } from '../use-paged.ts';
import { Link } from '../components/Link.tsx';
import { QueryBar } from '../components/QueryBar.tsx';
import {
  selfTelemetryParam,
  SelfTelemetryToggle,
  useShowSelfTelemetry,
} from '../components/SelfTelemetryToggle.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { TraceScatter } from '../trace/TraceScatter.tsx';
import { TraceScatterResponse } from '@sightline/model/api/trace-scatter';
import { SortHeader } from '../components/SortHeader.tsx';
import { nextSort, readSort, writeSort } from '../components/table-sort.ts';
import {
  NEWEST_FIRST,
  sortTraces,
  TRACE_SORT_KEYS,
  type TraceSortKey,
} from '../trace/trace-sort.ts';

const PAGE = 100;
const FILTERS = ['q', 'service', 'operation', 'minDuration', 'maxDuration', 'status'] as const;
const DURATION = /^\s*(\d+(\.\d+)?\s*(ns|us|µs|ms|s|m|h)?)?\s*$/;

export function TracesView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const p = loc.params;
  const filters = Object.fromEntries(FILTERS.map((f) => [f, p.get(f) ?? ''])) as Record<
    (typeof FILTERS)[number],
    string
  >;
  const selfTelemetry = selfTelemetryParam(useShowSelfTelemetry());
  const key = JSON.stringify([range, filters, selfTelemetry]);
  const res = usePaged<TraceSummary>(key, async (cursor, signal) => {
    // A cursor carries the first page's window; sending from/to would replace it.
    const window = cursor ? { cursor } : resolveRange(range);
    const page = await apiGet(
      TraceSearchResponse,
      '/traces',
      { ...filters, ...window, limit: PAGE, selfTelemetry },
      signal,
    );
    return { items: page.traces, nextCursor: page.nextCursor };
  });
  // Every match of the range for the scatter, not only the pages loaded below it.
  const scatter = useApi(key, (signal) =>
    apiGet(
      TraceScatterResponse,
      '/trace-scatter',
      { ...filters, ...resolveRange(range), selfTelemetry },
      signal,
    ),
  );
  const sort = readSort(p.get('sort'), TRACE_SORT_KEYS, NEWEST_FIRST);
  const onSort = (k: TraceSortKey) =>
    navigate(withParams(loc, { sort: writeSort(nextSort(sort, k)) }), { replace: true });
  const set = (changes: Record<string, string | null>) => navigate(withParams(loc, changes));
  const traceHref = (id: string) => hrefTo(`/traces/${id}`, {}, loc.params);
  // Through the URL like the time picker, so the back button restores the previous range.
  const zoom = (zFrom: number, zTo: number) => {
    const params = new URLSearchParams(loc.params);
    writeTimeRange(params, { kind: 'absolute', from: zFrom, to: zTo });
    navigate(`${loc.path}?${params.toString()}`);
  };
  const { from, to } = resolveRange(range);
  return (
    <section>
      <h1>Traces</h1>
      <QueryBar
        value={filters.q}
        onSubmit={(q) => set({ q })}
        placeholder='e.g. status:error http.status_code:>=500 "payment failed"'
      />
      <Filters loc={loc} range={range} filters={filters} onApply={set} />
      {res.status === 'loading' && <Loading what="traces" />}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {res.status === 'ok' && res.data.items.length === 0 && (
        <Empty title="No traces match">
          Loosen the filters, clear the query, or widen the time range.
        </Empty>
      )}
      {res.status === 'ok' && res.data.items.length > 0 && (
        <>
          {/* The loaded page is drawn at once; every match replaces it when counted. */}
          <TraceScatter
            traces={scatter.status === 'ok' ? scatter.data.points : res.data.items}
            total={scatter.status === 'ok' ? scatter.data.total : res.data.items.length}
            totalIsLowerBound={scatter.status === 'ok' && scatter.data.totalIsLowerBound}
            pending={scatter.status === 'loading'}
            from={from}
            to={to}
            onOpen={(id) => navigate(traceHref(id))}
            onZoom={zoom}
          />
          {scatter.status === 'error' && (
            <ErrorPanel error={scatter.error} retry={scatter.reload} />
          )}
          <table className="grid traces-table">
            <thead>
              <tr>
                <th>Trace</th>
                <SortHeader sortKey="start" sort={sort} onSort={onSort} num={false}>
                  Start
                </SortHeader>
                <SortHeader sortKey="duration" sort={sort} onSort={onSort}>
                  Duration
                </SortHeader>
                <SortHeader sortKey="spans" sort={sort} onSort={onSort}>
                  Spans
                </SortHeader>
                <th>Services</th>
                <SortHeader sortKey="errors" sort={sort} onSort={onSort}>
                  Errors
                </SortHeader>
              </tr>
            </thead>
            <tbody>
              {sortTraces(res.data.items, sort).map((t) => (
                <tr
                  key={t.traceId}
                  className="clickable"
                  onClick={() => navigate(traceHref(t.traceId))}
                >
                  <td>
                    <Link href={traceHref(t.traceId)}>
                      {t.rootServiceName}: {t.rootName}
                    </Link>
                    <div className="sub mono">{t.traceId}</div>
                  </td>
                  <td>{formatTime(nsToEpochMs(t.startTimeUnixNano), true)}</td>
                  <td className="num">{formatMs(nsToMs(t.durationNano))}</td>
                  <td className="num">{t.spanCount}</td>
                  <td>
                    {t.services.map((s) => (
                      <span key={s} className="tag" style={{ borderColor: serviceColor(s) }}>
                        {s}
                      </span>
                    ))}
                  </td>
                  <td className={`num${t.errorCount ? ' bad' : ''}`}>{t.errorCount}</td>
                </tr>
              ))}
            </tbody>
          </table>
          <div className="table-footer">
            <span className="sub">
              {res.data.items.length} traces loaded, newest first
              {sort.key === 'start' && sort.desc ? '' : '; the table sorts the loaded ones'}
            </span>
            {res.data.nextCursor && (
              <button type="button" disabled={res.loadingMore} onClick={res.more}>
                {res.loadingMore ? 'Loading…' : `Load ${PAGE} more`}
              </button>
            )}
            {res.moreError && <span className="hint bad">{res.moreError.message}</span>}
          </div>
        </>
      )}
    </section>
  );
}

interface FiltersProps {
  readonly loc: AppLocation;
  readonly range: TimeRange;
  readonly filters: Record<(typeof FILTERS)[number], string>;
  readonly onApply: (changes: Record<string, string | null>) => void;
}

function Filters({ range, filters, onApply }: FiltersProps) {
  const [minD, setMinD] = useState(filters.minDuration);
  const [maxD, setMaxD] = useState(filters.maxDuration);
  const selfTelemetry = selfTelemetryParam(useShowSelfTelemetry());
  const services = useApi(JSON.stringify([range, selfTelemetry]), (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(ServicesResponse, '/services', { from, to, selfTelemetry }, signal);
  });
  const ops = useApi(
    filters.service ? JSON.stringify([range, filters.service]) : null,
    (signal) => {
      const { from, to } = resolveRange(range);
      return apiGet(
        OperationsResponse,
        `/services/${encodeURIComponent(filters.service)}/operations`,
        { from, to },
        signal,
      );
    },
  );
  // Services that sent only logs or metrics have no traces to filter by.
  const traced =
    services.status === 'ok'
      ? services.data.signals.filter((s) => s.signals.includes('traces')).map((s) => s.service)
      : [];
  const opNames = ops.status === 'ok' ? [...new Set(ops.data.operations.map((o) => o.name))] : [];
  const badDuration = !DURATION.test(minD) || !DURATION.test(maxD);
  const apply = (e: FormEvent) => {
    e.preventDefault();
    if (!badDuration)
      onApply({ minDuration: minD.trim() || null, maxDuration: maxD.trim() || null });
  };
  return (
    <form className="filters" onSubmit={apply}>
      <label>
        Service
        <select
          aria-label="Service"
          value={filters.service}
          onChange={(e) => onApply({ service: e.target.value || null, operation: null })}
        >
          <option value="">any</option>
          {traced.map((s) => (
            <option key={s}>{s}</option>
          ))}
          {filters.service && services.status === 'ok' && !traced.includes(filters.service) && (
            <option>{filters.service}</option>
          )}
        </select>
      </label>
      <label>
        Operation
        <select
          aria-label="Operation"
          value={filters.operation}
          disabled={!filters.service}
          onChange={(e) => onApply({ operation: e.target.value || null })}
        >
          <option value="">any</option>
          {opNames.map((o) => (
            <option key={o}>{o}</option>
          ))}
          {filters.operation && !opNames.includes(filters.operation) && (
            <option>{filters.operation}</option>
          )}
        </select>
      </label>
      <label>
        Status
        <select
          aria-label="Status"
          value={filters.status}
          onChange={(e) => onApply({ status: e.target.value || null })}
        >
          <option value="">any</option>
          <option value="error">error</option>
          <option value="ok">ok</option>
          <option value="unset">unset</option>
        </select>
      </label>
      <label>
        Min duration
        <input
          aria-label="Min duration"
          size={8}
          value={minD}
          placeholder="500ms"
          onChange={(e) => setMinD(e.target.value)}
        />
      </label>
      <label>
        Max duration
        <input
          aria-label="Max duration"
          size={8}
          value={maxD}
          placeholder="2s"
          onChange={(e) => setMaxD(e.target.value)}
        />
      </label>
      <button type="submit" disabled={badDuration}>
        Apply
      </button>
      <SelfTelemetryToggle />
      {badDuration && (
        <span className="field-error">
          Durations look like 250ms, 1.5s, 2m (a bare number is ms).
        </span>
      )}
    </form>
  );
}
