import { useMemo } from 'react';
import { TraceResponse } from '@sightline/model/api/traces';
import { apiGet, useApi } from '../api.ts';
import { formatMs } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { ErrorPanel, Loading } from '../components/States.tsx';
import { TraceIdForm } from '../components/TraceIdBox.tsx';
import {
  compareTraces,
  countDiffs,
  SAME_WITHIN,
  type CompareRow,
  type CompareSide,
} from './trace-compare.ts';
import { buildTree } from './waterfall-layout.ts';

/** "Compare with another trace": a trace id, then the two side by side. */
export function CompareForm({ loc }: { loc: AppLocation }) {
  return (
    <TraceIdForm
      label="Compare with trace ID"
      className="compare-form"
      size={20}
      submit="Compare"
      onId={(id) => navigate(withParams(loc, { compare: id, span: null }))}
    />
  );
}

const DIFF_TEXT: Record<CompareRow['diff'], string> = {
  'only-a': 'only in A',
  'only-b': 'only in B',
  slower: 'slower in B',
  faster: 'faster in B',
  same: '',
};

const pct = (ms: number, total: number) => `${total > 0 ? (ms / total) * 100 : 0}%`;

function Bar({
  side,
  scaleMs,
  color,
}: {
  side: CompareSide | null;
  scaleMs: number;
  color: string;
}) {
  if (!side) return <div className="cmp-bar-cell absent">—</div>;
  return (
    <div className="cmp-bar-cell">
      <div
        className={`cmp-bar${side.error ? ' error' : ''}`}
        style={{
          left: pct(side.offsetMs, scaleMs),
          width: pct(side.durationMs, scaleMs),
          background: color,
        }}
      />
      <span className="cmp-ms">{formatMs(side.durationMs)}</span>
    </div>
  );
}

function delta(r: CompareRow): string {
  if (!r.a || !r.b) return DIFF_TEXT[r.diff];
  const d = r.b.durationMs - r.a.durationMs;
  return `${d >= 0 ? '+' : '−'}${formatMs(Math.abs(d))}`;
}

/** Trace A (this page's) and trace B side by side, on one time scale, differences marked. */
export function TraceCompare({
  loc,
  a,
  otherId,
}: {
  loc: AppLocation;
  a: TraceResponse;
  otherId: string;
}) {
  const res = useApi(otherId, (signal) => apiGet(TraceResponse, `/traces/${otherId}`, {}, signal));
  const treeA = useMemo(() => buildTree(a.spans), [a]);
  const treeB = useMemo(() => (res.status === 'ok' ? buildTree(res.data.spans) : null), [res]);
  const rows = useMemo(() => (treeB ? compareTraces(treeA, treeB) : []), [treeA, treeB]);
  const close = (
    <Link className="button" href={withParams(loc, { compare: null })}>
      Close comparison
    </Link>
  );
  if (res.status === 'loading') return <Loading what="the trace to compare with" />;
  if (res.status === 'error')
    return (
      <>
        <ErrorPanel error={res.error} retry={res.reload} />
        {close}
      </>
    );
  if (!treeB) return null;
  const n = countDiffs(rows);
  const scaleMs = Math.max(treeA.durationMs, treeB.durationMs);
  return (
    <div className="trace-compare">
      <p className="summary" data-testid="compare-summary">
        A <span className="mono">{a.traceId}</span> ({formatMs(treeA.durationMs)}) · B{' '}
        <Link className="mono" href={hrefTo(`/traces/${otherId}`, {}, loc.params)}>
          {otherId}
        </Link>{' '}
        ({formatMs(treeB.durationMs)}) · {n['only-a']} spans only in A · {n['only-b']} only in B ·{' '}
        {n.slower + n.faster} durations differ by more than {SAME_WITHIN * 100} %
      </p>
      <div className="toolbar">{close}</div>
      <div className="card cmp-table" role="table" aria-label="Trace comparison">
        <div className="cmp-row cmp-head" role="row">
          <span role="columnheader">Span</span>
          <span role="columnheader">A</span>
          <span role="columnheader">B</span>
          <span role="columnheader" className="num">
            B − A
          </span>
        </div>
        {rows.map((r) => {
          const label = `${r.serviceName}: ${r.name}`;
          const color = serviceColor(r.serviceName);
          return (
            <div key={r.key} role="row" className={`cmp-row diff-${r.diff}`} data-diff={r.diff}>
              <span role="cell" className="cmp-name" title={label}>
                <span style={{ width: Math.min(r.depth, 24) * 12 }} className="wf-indent" />
                <span className="swatch" style={{ background: color }} />
                {label}
              </span>
              <span role="cell">
                <Bar side={r.a} scaleMs={scaleMs} color={color} />
              </span>
              <span role="cell">
                <Bar side={r.b} scaleMs={scaleMs} color={color} />
              </span>
              <span role="cell" className="num cmp-delta">
                {delta(r)}
              </span>
            </div>
          );
        })}
      </div>
    </div>
  );
}
