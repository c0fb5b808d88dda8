import type { ReactNode } from 'react';
import type { Panel } from '@sightline/model/api/dashboards';
import { errorText, useApi } from '../api.ts';
import { Link } from '../components/Link.tsx';
import { chartStep } from '../components/step.ts';
import { useElementWidth } from '../components/use-element-width.ts';
import { explorerHref, PanelBody } from './PanelBody.tsx';
import { loadPanel, type PanelWindow } from './panel-data.ts';
import { applyVariables, type VariableValues } from './variables.ts';

interface Props {
  readonly panel: Panel;
  readonly values: VariableValues;
  readonly window: PanelWindow;
  /** Changes on every refresh tick, so the panel loads again. */
  readonly tick: number;
  /** Buttons shown in the title bar (edit mode). */
  readonly actions?: ReactNode;
}

/** One panel: title bar with a link to the explorer, and its content loaded for the window. */
export function PanelFrame({ panel, values, window: w, tick, actions }: Props) {
  const queries = panel.queries.map((q) => applyVariables(q, values));
  const run = { ...panel, queries };
  const body = useElementWidth<HTMLDivElement>();
  // The panel's own step, else the board's, else one from the panel's width.
  const step = body.width === null ? null : chartStep(w, body.width, panel.options.step, w.step);
  const pw = { ...w, step: step ?? undefined };
  const key = step === null ? null : JSON.stringify([panel.type, panel.options, queries, pw, tick]);
  const data = useApi(key, (signal) => loadPanel(run, pw, signal));
  return (
    <section
      className="panel card"
      aria-label={panel.title || 'Untitled panel'}
      data-panel={panel.id}
    >
      <header className="panel-head">
        <h3 className="panel-title">{panel.title || 'Untitled panel'}</h3>
        {queries[0] && (
          <Link
            className="panel-explore"
            href={explorerHref(queries[0], w.from, w.to)}
            title="Open in the explorer"
          >
            Explore ↗
          </Link>
        )}
        {actions}
      </header>
      <div className="panel-body" ref={body.ref} data-step={step ?? undefined}>
        {data.status === 'loading' && <div className="sub">Loading…</div>}
        {data.status === 'error' && (
          <div className="state-error" role="alert">
            {errorText(data.error)}
          </div>
        )}
        {data.status === 'ok' && <PanelBody panel={panel} data={data.data} />}
      </div>
    </section>
  );
}
