import { useEffect, useRef } from 'react';
import { useVirtualizer } from '@tanstack/react-virtual';
import { formatMs } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import { rulerTicks, type WaterfallRow } from './waterfall-layout.ts';

const ROW_HEIGHT = 26;
/** Deeper levels stop indenting so names stay readable; the depth is still shown on hover. */
const MAX_INDENT_DEPTH = 24;

interface Props {
  readonly rows: readonly WaterfallRow[];
  readonly durationMs: number;
  readonly critical: ReadonlyMap<string, [number, number][]>;
  readonly selected: string | null;
  readonly onSelect: (spanId: string) => void;
  readonly onToggle: (spanId: string) => void;
  /** Spans that answer the search within the trace, and the one stepped to. */
  readonly matches?: ReadonlySet<string>;
  readonly current?: string | null;
}

const pct = (ms: number, total: number) => `${total > 0 ? (ms / total) * 100 : 0}%`;

export function Waterfall(props: Props) {
  const { rows, durationMs, critical, selected, onSelect, onToggle, matches, current } = props;
  const scroller = useRef<HTMLDivElement>(null);
  const virtual = useVirtualizer({
    count: rows.length,
    getScrollElement: () => scroller.current,
    estimateSize: () => ROW_HEIGHT,
    overscan: 20,
  });
  const ticks = rulerTicks(durationMs);
  const currentIndex = current ? rows.findIndex((r) => r.span.spanId === current) : -1;
  useEffect(() => {
    if (currentIndex >= 0) virtual.scrollToIndex(currentIndex, { align: 'center' });
  }, [currentIndex, virtual]);
  return (
    <div className="waterfall card">
      <div className="wf-ruler">
        <div className="wf-name-col">Span ({rows.length} shown)</div>
        <div className="wf-timeline">
          {ticks.map((t) => (
            <span key={t} className="wf-tick" style={{ left: pct(t, durationMs) }}>
              {formatMs(t)}
            </span>
          ))}
        </div>
      </div>
      <div ref={scroller} className="wf-scroll" role="tree" aria-label="Spans">
        <div style={{ height: virtual.getTotalSize(), position: 'relative' }}>
          {virtual.getVirtualItems().map((item) => {
            const row = rows[item.index];
            if (!row) return null;
            const { span } = row;
            const color = serviceColor(span.serviceName);
            const isError = span.statusCode === 'Error';
            const segs = critical.get(span.spanId);
            return (
              <div
                key={span.spanId}
                role="treeitem"
                aria-level={row.depth + 1}
                aria-selected={selected === span.spanId}
                aria-expanded={row.childCount > 0 ? !row.collapsed : undefined}
                data-span-id={span.spanId}
                className={`wf-row${selected === span.spanId ? ' selected' : ''}${isError ? ' error' : ''}${
                  matches?.has(span.spanId) ? ' match' : ''
                }${current === span.spanId ? ' match-current' : ''}`}
                style={{ transform: `translateY(${item.start}px)`, height: ROW_HEIGHT }}
                onClick={() => onSelect(span.spanId)}
              >
                <div
                  className="wf-name-col"
                  title={`${span.serviceName}: ${span.name}\ndepth ${row.depth} · ${formatMs(row.durationMs)}`}
                >
                  <span
                    style={{ width: Math.min(row.depth, MAX_INDENT_DEPTH) * 12 }}
                    className="wf-indent"
                  />
                  {row.childCount > 0 ? (
                    <button
                      type="button"
                      className="wf-toggle"
                      aria-label={row.collapsed ? `Expand ${span.name}` : `Collapse ${span.name}`}
                      onClick={(e) => {
                        e.stopPropagation();
                        onToggle(span.spanId);
                      }}
                    >
                      {row.collapsed ? `▸ ${row.childCount}` : '▾'}
                    </button>
                  ) : (
                    <span className="wf-toggle-space" />
                  )}
                  <span className="swatch" style={{ background: color }} />
                  <span className="wf-service">{span.serviceName}</span>
                  <span className="wf-op">{span.name}</span>
                  {isError && <span className="badge-error">error</span>}
                  {row.orphan && (
                    <span className="badge-muted" title="its parent span is not in this trace">
                      orphan
                    </span>
                  )}
                </div>
                <div className="wf-timeline">
                  <div
                    className="wf-bar"
                    style={{
                      left: pct(row.offsetMs, durationMs),
                      width: pct(row.durationMs, durationMs),
                      background: color,
                    }}
                  />
                  {segs?.map(([a, b]) => (
                    <div
                      key={a}
                      className="wf-critical"
                      style={{ left: pct(a, durationMs), width: pct(b - a, durationMs) }}
                    />
                  ))}
                  <span
                    className="wf-label"
                    style={{ left: pct(row.offsetMs + row.durationMs, durationMs) }}
                  >
                    {formatMs(row.durationMs)}
                  </span>
                </div>
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
