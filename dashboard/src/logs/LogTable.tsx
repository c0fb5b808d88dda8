import { useRef, type ReactNode } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import type { LogRecord } from '@sightline/model/api/logs';
import { formatTime, LEVEL_COLORS, nsToEpochMs } from '../format.ts';
import { LogDetail } from './LogDetail.tsx';

export const logKey = (r: LogRecord): string => `${r.timestamp}-${r.id}`;

interface Props {
  readonly rows: readonly LogRecord[];
  readonly expanded: string | null;
  readonly onExpand: (key: string | null) => void;
  /** Opens the lines logged around a record; absent where that makes no sense (live tail). */
  readonly onContext?: (key: string) => void;
  /** Rendered after the last row, inside the scroller (a "load more" button). */
  readonly footer?: ReactNode;
}

/** Virtualised: rows are measured, so an expanded row takes the room it needs. */
export function LogTable({ rows, expanded, onExpand, onContext, footer }: Props) {
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
                <span className="level" style={{ background: LEVEL_COLORS[r.level] }}>
                  {r.level}
                </span>
                <span className="nowrap log-service">{r.service}</span>
                <span className="body">{r.body}</span>
              </div>
              {open && (
                <LogDetail record={r} {...(onContext ? { onContext: () => onContext(key) } : {})} />
              )}
            </div>
          );
        })}
      </div>
      {footer}
    </div>
  );
}
