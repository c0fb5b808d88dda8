import { useState } from 'react';
import type { Panel } from '@sightline/model/api/dashboards';
import { errorText, useApi } from '../api.ts';
import { navigate } from '../router.ts';
import {
  createDashboard,
  emptyDashboard,
  getDashboard,
  listDashboards,
  saveDashboard,
} from './dashboard-api.ts';
import { newPanelId, placeBelow } from './layout.ts';

export type NewPanel = Omit<Panel, 'id' | 'grid'>;

const NEW = '+new';

/** Appends `panel` to a saved dashboard (or a new one) and opens it. */
export async function addPanelTo(target: string, panel: NewPanel): Promise<string> {
  if (target === NEW) {
    const d = await createDashboard({
      ...emptyDashboard(panel.title || 'New dashboard'),
      panels: [{ ...panel, id: newPanelId([]), grid: placeBelow([]) }],
    });
    return d.id;
  }
  const d = await getDashboard(target);
  const placed: Panel = { ...panel, id: newPanelId(d.panels), grid: placeBelow(d.panels) };
  await saveDashboard(d.id, { ...d, panels: [...d.panels, placed] });
  return d.id;
}

/** "Add to dashboard": a button that opens a picker of the saved dashboards. */
export function AddToDashboard({ panel }: { panel: NewPanel | null }) {
  const [open, setOpen] = useState(false);
  const [target, setTarget] = useState(NEW);
  const [message, setMessage] = useState<string | null>(null);
  const list = useApi(open ? 'add-to' : null, (signal) => listDashboards('', signal));
  if (!open) {
    return (
      <button type="button" disabled={panel === null} onClick={() => setOpen(true)}>
        Add to dashboard
      </button>
    );
  }
  return (
    <span className="add-to-dashboard" role="group" aria-label="Add to dashboard">
      <select
        aria-label="Target dashboard"
        value={target}
        onChange={(e) => setTarget(e.target.value)}
      >
        <option value={NEW}>New dashboard</option>
        {list.status === 'ok' &&
          list.data.dashboards.map((d) => (
            <option key={d.id} value={d.id}>
              {d.title}
            </option>
          ))}
      </select>
      <button
        type="button"
        className="button"
        disabled={panel === null}
        onClick={() => {
          if (panel === null) return;
          setMessage(null);
          addPanelTo(target, panel).then(
            (id) => navigate(`/dashboards/${id}`),
            (err: unknown) => setMessage(errorText(err)),
          );
        }}
      >
        Add
      </button>
      <button type="button" onClick={() => setOpen(false)}>
        Cancel
      </button>
      {message && (
        <span className="bad" role="alert">
          {message}
        </span>
      )}
    </span>
  );
}
