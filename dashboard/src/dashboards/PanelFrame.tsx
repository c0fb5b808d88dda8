import type { ReactNode } from 'react';
import type { Panel } from '@sightline/model/api/dashboards';
import { errorText, useApi } from '../api.ts';
import { Link } from '../components/Link.tsx';
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
  const query = applyVariables(panel.query, values);
  const run = { ...panel, query };
  const key = JSON.stringify([panel.type, panel.options, query, w, tick]);
  const data = useApi(key, (signal) => loadPanel(run, w, signal));
  return (
    <section
      className="panel card"
      aria-label={panel.title || 'Untitled panel'}
      data-panel={panel.id}
    >
      <header className="panel-head">
        <h3 className="panel-title">{panel.title || 'Untitled panel'}</h3>
        <Link
          className="panel-explore"
          href={explorerHref(query, w.from, w.to)}
          title="Open in the explorer"
        >
          Explore ↗
        </Link>
        {actions}
      </header>
      <div className="panel-body">
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
