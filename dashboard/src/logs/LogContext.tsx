import { useEffect, useRef, useState } from 'react';
import { LOG_CONTEXT_LINES, LogContextResponse } from '@sightline/model/api/logs';
import { apiGet, useApi } from '../api.ts';
import { formatTime, LEVEL_COLORS, nsToEpochMs } from '../format.ts';
import { ErrorPanel, Loading } from '../components/States.tsx';

const STEP = 20;

/** `timestamp-id`, as LogTable keys rows; null when it is not one. */
export function parseLogKey(key: string): { timestamp: string; id: string } | null {
  const m = /^(\d+)-(\d+)$/.exec(key);
  return m?.[1] && m[2] ? { timestamp: m[1], id: m[2] } : null;
}

interface Props {
  readonly anchor: string;
  readonly onClose: () => void;
}

/** The lines logged just before and after one record, that record highlighted. */
export function LogContext({ anchor, onClose }: Props) {
  const parsed = parseLogKey(anchor);
  const [before, setBefore] = useState(STEP);
  const [after, setAfter] = useState(STEP);
  const [scope, setScope] = useState<'service' | 'all'>('service');
  const res = useApi(parsed ? JSON.stringify([anchor, before, after, scope]) : null, (signal) =>
    apiGet(
      LogContextResponse,
      '/logs/context',
      { timestamp: parsed?.timestamp, id: parsed?.id, before, after, scope },
      signal,
    ),
  );
  // Loading more keeps the lines already shown on screen until the longer list arrives.
  const shown = useRef<LogContextResponse | null>(null);
  if (res.status === 'ok') shown.current = res.data;
  const data = res.status === 'ok' ? res.data : res.status === 'loading' ? shown.current : null;
  const anchorRow = useRef<HTMLDivElement>(null);
  const scrolled = useRef(false);
  useEffect(() => {
    // Centre the anchor once; loading more afterwards keeps the reader where they are.
    if (res.status === 'ok' && !scrolled.current && anchorRow.current) {
      anchorRow.current.scrollIntoView?.({ block: 'center' });
      scrolled.current = true;
    }
  }, [res.status]);
  const rows = data?.rows ?? [];
  const anchorIndex = data?.anchorIndex ?? 0;
  const busy = res.status === 'loading';
  // Fewer rows than asked for on a side: the store has no more there.
  const moreAbove = data !== null && anchorIndex >= (busy ? 0 : before);
  const moreBelow = data !== null && rows.length - anchorIndex - 1 >= (busy ? 0 : after);
  const max = LOG_CONTEXT_LINES.max;
  return (
    <section className="card log-context" aria-label="Surrounding logs">
      <header className="log-context-head">
        <h2>Surrounding logs</h2>
        <label>
          <input
            type="checkbox"
            checked={scope === 'all'}
            onChange={(e) => setScope(e.target.checked ? 'all' : 'service')}
          />{' '}
          every service
        </label>
        <div className="spacer" />
        <button type="button" onClick={onClose}>
          ← Back to results
        </button>
      </header>
      {!parsed && <p className="hint bad">This link does not name a log record.</p>}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {busy && parsed && !data && <Loading what="surrounding logs" />}
      {data && (
        <>
          <button
            type="button"
            className="load-more"
            disabled={busy || !moreAbove || before >= max}
            onClick={() => setBefore(Math.min(before + STEP, max))}
          >
            {moreAbove
              ? before >= max
                ? `At most ${max} lines each way`
                : '↑ Load earlier'
              : 'Nothing earlier'}
          </button>
          <div className="log-context-rows" role="table" aria-label="Context lines">
            {rows.map((r, i) => (
              <div
                key={`${r.timestamp}-${r.id}`}
                ref={i === anchorIndex ? anchorRow : undefined}
                className={`log-line${r.anchor ? ' anchor' : ''}`}
                role="row"
                aria-current={r.anchor ? 'true' : undefined}
              >
                <span className="mono nowrap">{formatTime(nsToEpochMs(r.timestamp), true)}</span>
                <span className="level" style={{ background: LEVEL_COLORS[r.level] }}>
                  {r.level}
                </span>
                <span className="nowrap log-service">{r.service}</span>
                <span className="body">{r.body}</span>
              </div>
            ))}
          </div>
          <button
            type="button"
            className="load-more"
            disabled={busy || !moreBelow || after >= max}
            onClick={() => setAfter(Math.min(after + STEP, max))}
          >
            {moreBelow
              ? after >= max
                ? `At most ${max} lines each way`
                : '↓ Load later'
              : 'Nothing later'}
          </button>
        </>
      )}
    </section>
  );
}
