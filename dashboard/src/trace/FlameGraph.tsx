import { formatMs } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import type { WaterfallRow } from './waterfall-layout.ts';

const LEVEL = 20;

interface Props {
  /** Every span, expanded: its depth is its level in the graph. */
  readonly rows: readonly WaterfallRow[];
  readonly durationMs: number;
  readonly selected: string | null;
  readonly matches: ReadonlySet<string>;
  readonly onSelect: (spanId: string) => void;
}

const pct = (ms: number, total: number) => `${total > 0 ? (ms / total) * 100 : 0}%`;

/**
 * The same trace as a flame graph: one level per depth, each span as wide as its share of the
 * trace, children under their parent. A search dims the spans that do not match.
 */
export function FlameGraph({ rows, durationMs, selected, matches, onSelect }: Props) {
  const levels = rows.reduce((m, r) => Math.max(m, r.depth + 1), 0);
  const searching = matches.size > 0;
  return (
    <div className="card flame" role="figure" aria-label="Flame graph">
      <div className="flame-scroll">
        <div className="flame-levels" style={{ height: levels * LEVEL }}>
          {rows.map(({ span, depth, offsetMs, durationMs: ms }) => {
            const hit = matches.has(span.spanId);
            const label = `${span.serviceName}: ${span.name}`;
            return (
              <div
                key={span.spanId}
                data-span-id={span.spanId}
                className={`flame-span${span.statusCode === 'Error' ? ' error' : ''}${
                  selected === span.spanId ? ' selected' : ''
                }${searching ? (hit ? ' match' : ' dim') : ''}`}
                title={`${label} · ${formatMs(ms)}`}
                style={{
                  top: depth * LEVEL,
                  left: pct(offsetMs, durationMs),
                  width: pct(ms, durationMs),
                  background: serviceColor(span.serviceName),
                }}
                onClick={() => onSelect(span.spanId)}
              >
                {label}
              </div>
            );
          })}
        </div>
      </div>
    </div>
  );
}
