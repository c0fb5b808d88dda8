import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogRecord } from '@sightline/model/api/logs';
import { formatTime, LEVEL_COLORS, nsToEpochMs } from '../format.ts';
import { LogDetail } from './LogDetail.tsx';
import { splitHighlights } from './highlight.ts';
import { DEFAULT_COLUMNS, fieldValue } from './log-fields.ts';

export const logKey = (r: LogRecord): string => `${r.timestamp}-${r.id}`;

interface Props {
  readonly rows: readonly LogRecord[];
  readonly expanded: string | null;
  readonly onExpand: (key: string | null) => void;
  /** Opens the lines logged around a record; absent where that makes no sense (live tail). */
  readonly onContext?: (key: string) => void;
  /** Rendered after the last row, inside the scroller (a "load more" button). */
  readonly footer?: ReactNode;
  /** Field columns between the time and the message; by default level and service. */
  readonly columns?: readonly string[];
  /** Words of the query, marked in the message. */
  readonly terms?: readonly string[];
  /** Adds a clause to the query (the detail's filter for / filter out buttons). */
  readonly onFilter?: (clause: string) => void;
}

/** Virtualised: rows are measured, so an expanded row takes the room it needs. */
export function LogTable(props: Props) {
  const { rows, expanded, onExpand, onContext, footer, onFilter } = props;
  const columns = props.columns ?? DEFAULT_COLUMNS;
  const terms = props.terms ?? [];
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: (i) => (rows[i] && logKey(rows[i]) === expanded ? 260 : 28),
    overscan: 15,
    getItemKey: (i) => (rows[i] ? logKey(rows[i]) : i),
  });
  return (
    <div ref={scroller} className="log-table card" role="table" aria-label="Log records">
      <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
        {virtual.getVirtualItems().map((item) => {
          const r = rows[item.index];
          if (!r) return null;
          const key = logKey(r);
          const open = key === expanded;
          return (
            <div
              key={key}
              data-index={item.index}
              ref={virtual.measureElement}
              className={`log-row${open ? ' open' : ''}`}
              style={{ transform: `translateY(${item.start}px)` }}
              role="row"
            >
              <div
                className="log-line"
                onClick={() => onExpand(open ? null : key)}
                role="button"
                aria-expanded={open}
              >
                <span className="caret">{open ? '▾' : '▸'}</span>
                <span className="mono nowrap">{formatTime(nsToEpochMs(r.timestamp), true)}</span>
                {columns.map((c) => (
                  <Cell key={c} record={r} column={c} />
                ))}
                <Message body={r.body} terms={terms} />
              </div>
              {open && (
                <LogDetail
                  record={r}
                  {...(onContext ? { onContext: () => onContext(key) } : {})}
                  {...(onFilter ? { onFilter } : {})}
                />
              )}
            </div>
          );
        })}
      </div>
      {footer}
    </div>
  );
}

function Cell({ record, column }: { record: LogRecord; column: string }) {
  if (column === 'level' || column === 'severity')
    return (
      <span className="level" style={{ background: LEVEL_COLORS[record.level] }}>
        {record.level}
      </span>
    );
  if (column === 'service') return <span className="nowrap log-service">{record.service}</span>;
  const v = fieldValue(record, column);
  return (
    <span className="nowrap log-cell mono" data-column={column} title={`${column}: ${v ?? '—'}`}>
      {v ?? '—'}
    </span>
  );
}

/** The message's first line, search words marked; further lines are counted, not run together. */
function Message({ body, terms }: { body: string; terms: readonly string[] }) {
  const lines = body.split(/\r?\n/);
  const more = lines.length - 1;
  return (
    <span className="body">
      {splitHighlights(lines[0] ?? '', terms).map((p, i) =>
        p.hit ? <mark key={i}>{p.text}</mark> : p.text,
      )}
      {more > 0 && (
        <span className="sub more-lines">
          {' '}
          (+{more} {more === 1 ? 'line' : 'lines'})
        </span>
      )}
    </span>
  );
}
