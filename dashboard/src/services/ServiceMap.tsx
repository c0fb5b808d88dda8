import { useMemo, useState } from 'react';
import type { ServiceMapResponse } from '@sightline/model/api/services';
import { formatMs, formatPercent, formatRate } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import {
  edgeBreakerState,
  errorBand,
  layoutServiceMap,
  type ErrorBand,
  type MapLayout,
  type PlacedNode,
} from './service-map-layout.ts';

/** Per-service figures the map itself does not carry (p95 comes from the RED overview). */
export interface NodeStats {
  readonly p95Ms: number | null;
}

interface Props {
  readonly map: ServiceMapResponse;
  readonly stats?: ReadonlyMap<string, NodeStats>;
  readonly onOpen: (service: string) => void;
}

type Hover =
  | { readonly kind: 'node'; readonly index: number }
  | { readonly kind: 'edge'; readonly index: number };

const BANDS: readonly ErrorBand[] = ['ok', 'warn', 'bad'];
const BAND_LABEL: Record<ErrorBand, string> = {
  ok: 'under 1% errors',
  warn: '1–5% errors',
  bad: '5% errors or more',
};

/** A database as a rounded square, a cache as a diamond: stores are not services to open. */
function StoreShape({ n }: { readonly n: PlacedNode }) {
  const side = n.r * 1.6;
  if (n.kind === 'cache') {
    return (
      <polygon points={`0,${-n.r} ${n.r},0 0,${n.r} ${-n.r},0`} fill={serviceColor(n.service)} />
    );
  }
  return (
    <rect
      x={-side / 2}
      y={-side / 2}
      width={side}
      height={side}
      rx={6}
      fill={serviceColor(n.service)}
    />
  );
}

/**
 * Services as circles sized by request rate, databases and caches as squares and diamonds, calls
 * as arrows coloured by error rate; a call guarded by an open (or half-open) breaker is dashed.
 */
export function ServiceMap({ map, stats, onOpen }: Props) {
  const layout: MapLayout = useMemo(
    () => layoutServiceMap(map.nodes, map.edges, (map.to - map.from) / 1000),
    [map],
  );
  const [hover, setHover] = useState<Hover | null>(null);
  const seconds = Math.max((map.to - map.from) / 1000, 1);
  const tip = hover && tooltip(layout, hover, seconds, stats);
  return (
    <div className="service-map card">
      <div className="map-legend" aria-label="Legend">
        <span className="sub">Circle area: request rate · arrows: caller → callee</span>
        {BANDS.map((b) => (
          <span key={b} className="map-legend-item">
            <span className={`map-legend-line band-${b}`} /> {BAND_LABEL[b]}
          </span>
        ))}
        <span className="map-legend-item">
          <span className="map-legend-line breaker-open" /> circuit breaker open
        </span>
        <span className="sub">■ database · ◆ cache</span>
      </div>
      <div className="map-canvas">
        <svg
          viewBox={`0 0 ${layout.width} ${layout.height}`}
          // Natural size, shrunk to fit: a small map is not blown up to giant circles and text.
          width={layout.width}
          height={layout.height}
          style={{ maxWidth: '100%', height: 'auto' }}
          role="img"
          aria-label="Service map"
        >
          <defs>
            {BANDS.map((b) => (
              <marker
                key={b}
                id={`map-arrow-${b}`}
                viewBox="0 0 10 10"
                refX="9"
                refY="5"
                // In px, not stroke widths: a busy (thick) edge keeps a normal arrowhead.
                markerUnits="userSpaceOnUse"
                markerWidth="12"
                markerHeight="12"
                orient="auto-start-reverse"
              >
                <path d="M0,0 L10,5 L0,10 z" className={`map-arrowhead band-${b}`} />
              </marker>
            ))}
          </defs>
          {layout.edges.map((e, i) => {
            const breaker = edgeBreakerState(e);
            // An open breaker fails calls fast whatever their past error rate: drawn as bad.
            const band = breaker === 'open' ? 'bad' : errorBand(e.errorRate);
            const width = 1.5 + Math.min(3, Math.log10(1 + e.calls));
            const common = {
              className: `map-edge band-${band}${breaker ? ` breaker-${breaker}` : ''}${hover?.kind === 'edge' && hover.index === i ? ' hot' : ''}`,
              strokeWidth: width,
              markerEnd: `url(#map-arrow-${band})`,
              'data-caller': e.caller,
              'data-callee': e.callee,
              'data-breaker': breaker ?? undefined,
              onMouseEnter: () => setHover({ kind: 'edge', index: i }),
              onMouseLeave: () => setHover(null),
            };
            if (e.self) {
              const n = layout.nodes.find((x) => x.service === e.caller);
              if (!n) return null;
              const top = n.y - n.r;
              return (
                <path
                  key={`${e.caller}>${e.callee}`}
                  d={`M${n.x - 8},${top + 2} C${n.x - 30},${top - 40} ${n.x + 30},${top - 40} ${n.x + 8},${top + 1}`}
                  fill="none"
                  {...common}
                />
              );
            }
            return (
              <g key={`${e.caller}>${e.callee}`}>
                <line x1={e.x1} y1={e.y1} x2={e.x2} y2={e.y2} {...common} />
                {breaker && (
                  <text
                    x={(e.x1 + e.x2) / 2}
                    y={(e.y1 + e.y2) / 2 - 6}
                    textAnchor="middle"
                    className={`map-breaker-label breaker-${breaker}`}
                  >
                    {breaker === 'open' ? '⊘ breaker open' : '◐ breaker half-open'}
                  </text>
                )}
              </g>
            );
          })}
          {layout.nodes.map((n, i) =>
            n.kind !== 'service' ? (
              <g
                key={n.service}
                className={`map-node map-store band-${errorBand(n.errorRate)}`}
                data-service={n.service}
                data-kind={n.kind}
                transform={`translate(${n.x},${n.y})`}
                role="img"
                aria-label={`${n.kind} ${n.service}: ${formatRate(n.rate)}, ${formatPercent(n.errorRate)} errors`}
                onMouseEnter={() => setHover({ kind: 'node', index: i })}
                onMouseLeave={() => setHover(null)}
              >
                <StoreShape n={n} />
                <text y={n.r + 14} textAnchor="middle" className="map-label">
                  {n.service}
                </text>
              </g>
            ) : (
              <g
                key={n.service}
                className={`map-node band-${errorBand(n.errorRate)}`}
                data-service={n.service}
                transform={`translate(${n.x},${n.y})`}
                role="link"
                tabIndex={0}
                aria-label={`${n.service}: ${formatRate(n.rate)}, ${formatPercent(n.errorRate)} errors`}
                onClick={() => onOpen(n.service)}
                onKeyDown={(ev) => {
                  if (ev.key === 'Enter' || ev.key === ' ') onOpen(n.service);
                }}
                onMouseEnter={() => setHover({ kind: 'node', index: i })}
                onMouseLeave={() => setHover(null)}
              >
                <circle r={n.r} fill={serviceColor(n.service)} />
                <text y={n.r + 14} textAnchor="middle" className="map-label">
                  {n.service}
                </text>
              </g>
            ),
          )}
        </svg>
        {tip && (
          <div
            className="tooltip map-tooltip"
            role="tooltip"
            style={{
              left: `${(tip.x / layout.width) * 100}%`,
              top: `${(tip.y / layout.height) * 100}%`,
            }}
          >
            <strong>{tip.title}</strong>
            {tip.lines.map((l) => (
              <div key={l}>{l}</div>
            ))}
          </div>
        )}
      </div>
      {map.truncated && (
        <p className="hint">More services or calls than shown: the busiest are drawn.</p>
      )}
    </div>
  );
}

function tooltip(
  layout: MapLayout,
  hover: Hover,
  seconds: number,
  stats: ReadonlyMap<string, NodeStats> | undefined,
): { x: number; y: number; title: string; lines: string[] } | null {
  if (hover.kind === 'node') {
    const n = layout.nodes[hover.index];
    if (!n) return null;
    return {
      x: n.x,
      y: n.y + n.r,
      title: n.service,
      lines:
        n.kind === 'service'
          ? [
              `${formatRate(n.rate)} (${n.requests} requests)`,
              `errors ${formatPercent(n.errorRate)}`,
              `p95 ${formatMs(stats?.get(n.service)?.p95Ms)}`,
              'click to open',
            ]
          : [
              `${n.kind}: ${formatRate(n.rate)} (${n.requests} calls)`,
              `errors ${formatPercent(n.errorRate)}`,
            ],
    };
  }
  const e = layout.edges[hover.index];
  if (!e) return null;
  return {
    x: (e.x1 + e.x2) / 2,
    y: (e.y1 + e.y2) / 2,
    title: `${e.caller} → ${e.callee}`,
    lines: [
      `${formatRate(e.calls / seconds)} (${e.calls} calls)`,
      `errors ${formatPercent(e.errorRate)}`,
      `p95 ${formatMs(e.p95Ms)}`,
      ...e.breakers.map((b) => `breaker ${b.name}: ${b.state ?? 'no state reported'}`),
    ],
  };
}
