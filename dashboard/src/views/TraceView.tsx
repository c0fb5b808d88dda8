import { useMemo, useState } from 'react';
import { CriticalPathResponse, TraceResponse, type TraceLog } from '@sightline/model/api/traces';
import { apiGet, useApi } from '../api.ts';
import { formatMs, formatTime } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';
import {
  ancestorsOf,
  buildTree,
  criticalBySpan,
  flattenTree,
  parentIds,
} from '../trace/waterfall-layout.ts';
import { Waterfall } from '../trace/Waterfall.tsx';
import { FlameGraph } from '../trace/FlameGraph.tsx';
import { TraceFind } from '../trace/TraceFind.tsx';
import { CompareForm, TraceCompare } from '../trace/TraceCompare.tsx';
import { findSpans } from '../trace/trace-find.ts';
import '../trace/trace.css';
import { SpanDetail } from '../trace/SpanDetail.tsx';
import { TraceLogs } from '../trace/TraceLogs.tsx';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';

const LOG_MARGIN_MS = 5 * 60_000;

/** The log search range for a trace: its own time and five minutes either side. */
const logsRangeOf = (fromMs: number, toMs: number) => ({
  from: new Date(fromMs - LOG_MARGIN_MS).toISOString(),
  to: new Date(toMs + LOG_MARGIN_MS).toISOString(),
});

function TraceLogsLink({
  traceId,
  range,
}: {
  traceId: string;
  range: { from: string; to: string };
}) {
  return (
    <Link className="button" href={hrefTo('/logs', { q: `trace_id:${traceId}`, ...range })}>
      Logs of this trace
    </Link>
  );
}

export function TraceView({ loc, traceId }: { loc: AppLocation; traceId: string }) {
  const res = useApi(traceId, (signal) => apiGet(TraceResponse, `/traces/${traceId}`, {}, signal));
  // Asked for in parallel and drawn when it comes: the waterfall does not wait for it.
  const critical = useApi(traceId, (signal) =>
    apiGet(CriticalPathResponse, `/traces/${traceId}/critical-path`, {}, signal),
  );
  if (!/^[0-9a-fA-F]{32}$/.test(traceId)) {
    return (
      <Empty title={`“${traceId}” is not a trace id`}>
        A trace id is 32 hexadecimal characters.
      </Empty>
    );
  }
  return (
    <section>
      <p className="crumbs">
        <Link href={hrefTo('/traces', {}, loc.params)}>Traces</Link> /{' '}
        <span className="mono">{traceId}</span>
      </p>
      {res.status === 'loading' && <Loading what="the trace" />}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {res.status === 'ok' && res.data.spans.length === 0 && <LogsOnlyTrace trace={res.data} />}
      {res.status === 'ok' && res.data.spans.length > 0 && (
        <TraceBody
          loc={loc}
          trace={res.data}
          critical={critical.status === 'ok' ? critical.data : null}
        />
      )}
    </section>
  );
}

/** A trace id that only logs carry: the services that logged it sent no spans (or lost them). */
function LogsOnlyTrace({ trace }: { trace: TraceResponse }) {
  const times = trace.logs.map((l) => BigInt(l.timeUnixNano));
  const firstNs = times.reduce((a, b) => (b < a ? b : a), times[0] ?? 0n);
  const lastNs = times.reduce((a, b) => (b > a ? b : a), firstNs);
  const services = [...new Set(trace.logs.map((l) => l.serviceName))].sort();
  const logsRange = logsRangeOf(Number(firstNs / 1_000_000n), Number(lastNs / 1_000_000n));
  return (
    <>
      <h1>Trace known only from its logs</h1>
      <p className="summary">
        {formatTime(Number(firstNs / 1_000_000n), true)} ·{' '}
        <strong>{formatMs(Number(lastNs - firstNs) / 1e6)}</strong> from first to last log ·{' '}
        {services.length} services{' '}
        {services.map((s) => (
          <span key={s} className="tag" style={{ borderColor: serviceColor(s) }}>
            {s}
          </span>
        ))}
      </p>
      <p className="hint">
        No spans carry this trace id: the services that logged it did not send spans, or the spans
        were sampled out, have expired or are not stored yet.
      </p>
      <div className="toolbar">
        <TraceLogsLink traceId={trace.traceId} range={logsRange} />
      </div>
      <TraceLogs logs={trace.logs} truncated={trace.logsTruncated} startNs={firstNs} />
    </>
  );
}

interface BodyProps {
  readonly loc: AppLocation;
  readonly trace: TraceResponse;
  readonly critical: CriticalPathResponse | null;
}

function TraceBody({ loc, trace, critical }: BodyProps) {
  const tree = useMemo(() => buildTree(trace.spans), [trace]);
  const crit = useMemo(() => criticalBySpan(tree, critical?.segments ?? []), [tree, critical]);
  const [collapsed, setCollapsed] = useState<ReadonlySet<string>>(new Set());
  const rows = useMemo(() => flattenTree(tree, collapsed), [tree, collapsed]);
  const allRows = useMemo(() => flattenTree(tree, new Set()), [tree]);
  const [find, setFind] = useState('');
  const [matchIndex, setMatchIndex] = useState(-1);
  // In the order the waterfall shows them, so next/previous walk down and up the page.
  const matchIds = useMemo(
    () =>
      findSpans(
        allRows.map((r) => r.span),
        find,
      ),
    [allRows, find],
  );
  const matches = useMemo(() => new Set(matchIds), [matchIds]);
  const currentMatch = matchIds[matchIndex] ?? null;
  const flame = loc.params.get('view') === 'flame';
  const compare = loc.params.get('compare');
  const selectedId = loc.params.get('span');
  const selected = selectedId ? tree.byId.get(selectedId) : undefined;
  const root = tree.roots[0];
  const services = [...new Set(trace.spans.map((s) => s.serviceName))].sort();
  const errors = trace.spans.filter((s) => s.statusCode === 'Error').length;
  const startMs = Number(tree.startNs / 1_000_000n);
  const logsRange = logsRangeOf(startMs, startMs + tree.durationMs);
  const select = (spanId: string | null) =>
    navigate(withParams(loc, { span: spanId }), { replace: true });
  const toggle = (id: string) =>
    setCollapsed((c) => {
      const next = new Set(c);
      if (!next.delete(id)) next.add(id);
      return next;
    });
  const reveal = (spanId: string) => {
    const hidden = ancestorsOf(tree, spanId).filter((a) => collapsed.has(a));
    if (hidden.length) setCollapsed((c) => new Set([...c].filter((x) => !hidden.includes(x))));
  };
  const selectFromLog = (log: TraceLog) => {
    if (!log.spanId || !tree.byId.has(log.spanId)) return;
    reveal(log.spanId);
    select(log.spanId);
  };
  const stepTo = (i: number) => {
    setMatchIndex(i);
    const id = matchIds[i];
    if (id) reveal(id);
  };
  return (
    <>
      <h1>
        {root ? (
          <>
            <span className="swatch" style={{ background: serviceColor(root.serviceName) }} />
            {root.serviceName}: {root.name}
          </>
        ) : (
          'Trace'
        )}
      </h1>
      <p className="summary">
        {formatTime(startMs, true)} · <strong>{formatMs(tree.durationMs)}</strong> ·{' '}
        {tree.byId.size} spans · {services.length} services{' '}
        {services.map((s) => (
          <span key={s} className="tag" style={{ borderColor: serviceColor(s) }}>
            {s}
          </span>
        ))}
        {errors > 0 && <span className="bad"> · {errors} errors</span>}
        {critical && <span className="legend-critical"> critical path</span>}
      </p>
      {trace.spansTruncated && (
        <p className="warning">
          Only the first {trace.spans.length} spans are shown (SIGHTLINE_MAX_TRACE_SPANS).
        </p>
      )}
      {compare ? (
        <TraceCompare loc={loc} a={trace} otherId={compare} />
      ) : (
        <>
          <div className="toolbar">
            <div className="segmented" role="group" aria-label="Trace view">
              <button
                type="button"
                aria-pressed={!flame}
                onClick={() => navigate(withParams(loc, { view: null }), { replace: true })}
              >
                Waterfall
              </button>
              <button
                type="button"
                aria-pressed={flame}
                onClick={() => navigate(withParams(loc, { view: 'flame' }), { replace: true })}
              >
                Flame graph
              </button>
            </div>
            {!flame && (
              <>
                <button type="button" onClick={() => setCollapsed(new Set())}>
                  Expand all
                </button>
                <button type="button" onClick={() => setCollapsed(parentIds(tree))}>
                  Collapse all
                </button>
              </>
            )}
            <TraceLogsLink traceId={trace.traceId} range={logsRange} />
            <CompareForm loc={loc} />
          </div>
          <TraceFind
            query={find}
            onQuery={(q) => {
              setFind(q);
              setMatchIndex(-1);
            }}
            count={matchIds.length}
            current={matchIndex}
            onCurrent={stepTo}
          />
          <div className={`trace-layout${selected ? ' with-detail' : ''}`}>
            {flame ? (
              <FlameGraph
                rows={allRows}
                durationMs={tree.durationMs}
                selected={selectedId}
                matches={matches}
                onSelect={select}
              />
            ) : (
              <Waterfall
                rows={rows}
                durationMs={tree.durationMs}
                critical={crit}
                selected={selectedId}
                onSelect={select}
                onToggle={toggle}
                matches={matches}
                current={currentMatch}
              />
            )}
            {selected && (
              <SpanDetail
                span={selected}
                traceStartNs={tree.startNs}
                onClose={() => select(null)}
                logsHref={hrefTo('/logs', {
                  q: `trace_id:${trace.traceId} span_id:${selected.spanId}`,
                  ...logsRange,
                })}
              />
            )}
          </div>
        </>
      )}
      <TraceLogs
        logs={trace.logs}
        truncated={trace.logsTruncated}
        startNs={tree.startNs}
        selectedSpanId={selectedId}
        onSelect={selectFromLog}
      />
    </>
  );
}
