import { useEffect, useMemo, useState } from 'react';
import './dashboards.css';
import type {
  BoardPanel,
  Dashboard,
  DashboardInput,
  Panel,
  Refresh,
} from '@sightline/model/api/dashboards';
import { errorText, useApi } from '../api.ts';
import { navigate, withParams, type AppLocation } from '../router.ts';
import { readTimeRange, resolveRange, writeTimeRange, type TimeRange } from '../time-range.ts';
import { ErrorPanel, Loading } from '../components/States.tsx';
import { StepSelect } from '../components/StepSelect.tsx';
import { createDashboard, exportDocument, getDashboard, saveDashboard } from './dashboard-api.ts';
import { generatedDashboard } from './generated.ts';
import { BoardGrid } from './BoardGrid.tsx';
import { newPanelId, placeBelow } from './layout.ts';
import { PanelEditor } from './PanelEditor.tsx';
import { newRow } from './rows.ts';
import { VariableBar, VariableEditor } from './Variables.tsx';
import { readVariableValues, writeVariableValues } from './variables.ts';

const REFRESH_MS: Record<Refresh, number> = {
  off: 0,
  '10s': 10_000,
  '30s': 30_000,
  '1m': 60_000,
  '5m': 300_000,
};

/** The board's saved range unless the URL names one (a shared link, or the picker). */
function boardRange(d: DashboardInput, params: URLSearchParams): TimeRange {
  if (params.has('range') || params.has('from')) return readTimeRange(params);
  const t = d.timeRange;
  if ('last' in t) return { kind: 'relative', last: t.last };
  const from = Date.parse(t.from);
  const to = Date.parse(t.to);
  return Number.isFinite(from) && Number.isFinite(to)
    ? { kind: 'absolute', from, to }
    : readTimeRange(params);
}

const toDocRange = (r: TimeRange): DashboardInput['timeRange'] =>
  r.kind === 'relative'
    ? { last: r.last }
    : { from: new Date(r.from).toISOString(), to: new Date(r.to).toISOString() };

function download(name: string, text: string): void {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([text], { type: 'application/json' }));
  a.download = name;
  a.click();
  URL.revokeObjectURL(a.href);
}

function Board({
  saved,
  loc,
  generated,
}: {
  saved: Dashboard;
  loc: AppLocation;
  /** Not stored: it can be copied, not edited. */
  generated: boolean;
}) {
  const [draft, setDraft] = useState<DashboardInput>(saved);
  const editing = !generated && loc.params.get('edit') === '1';
  const [editor, setEditor] = useState<Panel | null>(null);
  const [addingVariable, setAddingVariable] = useState(false);
  const [message, setMessage] = useState<string | null>(null);
  const [tick, setTick] = useState(0);
  const range = boardRange(draft, loc.params);
  const values = readVariableValues(draft.variables, loc.params);
  // Unset: each panel's own step, or one from its width.
  const stepParam = loc.params.get('step') ?? undefined;
  const rangeKey = JSON.stringify(range);
  const w = useMemo(() => {
    const r = resolveRange(range, Date.now());
    return { ...r, step: stepParam };
    // A relative range slides on every refresh tick.
  }, [rangeKey, stepParam, tick]);

  // The board's own range goes into the URL, so the header's picker and a copied link show it.
  useEffect(() => {
    if (loc.params.has('range') || loc.params.has('from')) return;
    const params = new URLSearchParams(loc.params);
    writeTimeRange(params, range);
    navigate(`${loc.path}?${params.toString()}`, { replace: true });
  }, [rangeKey]);

  useEffect(() => {
    const every = REFRESH_MS[draft.refresh];
    if (every === 0) return undefined;
    const timer = setInterval(() => setTick((t) => t + 1), every);
    return () => clearInterval(timer);
  }, [draft.refresh]);

  const setValues = (name: string, vs: string[]) => {
    const params = new URLSearchParams(loc.params);
    writeVariableValues(params, { [name]: vs });
    navigate(`${loc.path}?${params.toString()}`);
  };
  const setPanels = (panels: BoardPanel[]) => setDraft((d) => ({ ...d, panels }));

  /** The document as it stands, with the range and variable values in view as its defaults. */
  const current = (): DashboardInput => ({
    ...exportDocument(draft),
    timeRange: toDocRange(range),
    variables: draft.variables.map((v) => ({ ...v, current: [...(values[v.name] ?? [])] })),
  });
  const save = async () => {
    setMessage(null);
    try {
      const next = await saveDashboard(saved.id, { ...current(), version: saved.version });
      navigate(withParams(loc, { edit: null, v: String(next.version) }), { replace: true });
    } catch (err) {
      setMessage(`Not saved: ${errorText(err)}`);
    }
  };
  const copy = async () => {
    const d = await createDashboard({ ...current(), title: `Copy of ${draft.title}` });
    navigate(`/dashboards/${d.id}?edit=1`);
  };
  const shareUrl = () => {
    const params = new URLSearchParams();
    writeTimeRange(params, range);
    writeVariableValues(params, values);
    return `${window.location.origin}${loc.path}?${params.toString()}`;
  };
  const placeFor = () => placeBelow(draft.panels);

  return (
    <div className="dashboard-page">
      <div className="toolbar dashboard-toolbar">
        {editing ? (
          <input
            aria-label="Dashboard title"
            className="dashboard-title-input"
            value={draft.title}
            onChange={(e) => setDraft({ ...draft, title: e.target.value })}
          />
        ) : (
          <h2 className="dashboard-title">{draft.title}</h2>
        )}
        <span className="sub">v{saved.version}</span>
        <div className="spacer" />
        <StepSelect
          value={stepParam}
          onChange={(step) => navigate(withParams(loc, { step: step ?? null }))}
        />
        <label className="sub">
          Refresh{' '}
          <select
            aria-label="Auto-refresh"
            value={draft.refresh}
            onChange={(e) => setDraft({ ...draft, refresh: e.target.value as Refresh })}
          >
            {Object.keys(REFRESH_MS).map((r) => (
              <option key={r}>{r}</option>
            ))}
          </select>
        </label>
        {editing ? (
          <>
            <button
              type="button"
              onClick={() =>
                setEditor({
                  id: newPanelId(draft.panels),
                  title: '',
                  type: 'timeseries',
                  queries: [{ signal: 'metrics', metric: '', aggregation: 'avg' }],
                  options: {},
                  grid: placeFor(),
                })
              }
            >
              Add panel
            </button>
            <button
              type="button"
              onClick={() => setPanels([...draft.panels, newRow(draft.panels, 'Row')])}
            >
              Add row
            </button>
            <button type="button" onClick={() => setAddingVariable(true)}>
              Add variable
            </button>
            <button type="button" className="button" onClick={() => void save()}>
              Save
            </button>
            <button
              type="button"
              onClick={() => {
                setDraft(saved);
                navigate(withParams(loc, { edit: null }));
              }}
            >
              Discard
            </button>
          </>
        ) : (
          <>
            {generated ? (
              <span className="sub">Generated: copy it to edit</span>
            ) : (
              <button type="button" onClick={() => navigate(withParams(loc, { edit: '1' }))}>
                Edit
              </button>
            )}
            <button
              type="button"
              onClick={() => void copy().catch((e: unknown) => setMessage(errorText(e)))}
            >
              Copy
            </button>
            <button
              type="button"
              onClick={() =>
                download(
                  `${draft.title.replace(/[^\p{L}\p{N}]+/gu, '-') || 'dashboard'}.json`,
                  JSON.stringify(exportDocument(current()), null, 2),
                )
              }
            >
              Export
            </button>
            <button
              type="button"
              onClick={() => void navigator.clipboard?.writeText(shareUrl())}
              title={shareUrl()}
            >
              Copy link
            </button>
          </>
        )}
      </div>
      {message && (
        <div className="state-error" role="alert">
          {message}
        </div>
      )}
      {addingVariable && (
        <VariableEditor
          taken={draft.variables.map((v) => v.name)}
          onCancel={() => setAddingVariable(false)}
          onAdd={(v) => {
            setDraft({ ...draft, variables: [...draft.variables, v] });
            setAddingVariable(false);
          }}
        />
      )}
      <VariableBar
        variables={draft.variables}
        values={values}
        window={w}
        onChange={setValues}
        {...(editing
          ? {
              onRemove: (name: string) =>
                setDraft({ ...draft, variables: draft.variables.filter((v) => v.name !== name) }),
            }
          : {})}
      />
      {editor && (
        <PanelEditor
          initial={editor}
          values={values}
          window={w}
          onCancel={() => setEditor(null)}
          onApply={(p) => {
            const exists = draft.panels.some((x) => x.id === p.id);
            setPanels(
              exists ? draft.panels.map((x) => (x.id === p.id ? p : x)) : [...draft.panels, p],
            );
            setEditor(null);
          }}
        />
      )}
      {draft.panels.length === 0 && !editor && (
        <div className="state state-empty">
          <strong>No panels yet</strong>
          <div className="hint">
            {editing ? 'Add a panel above.' : 'Press Edit, then Add panel.'}
          </div>
        </div>
      )}
      <BoardGrid
        panels={draft.panels}
        editing={editing}
        values={values}
        window={w}
        tick={tick}
        onPanels={setPanels}
        onEdit={setEditor}
      />
    </div>
  );
}

/** `/dashboards/{id}`: the saved board, its variables, panels and (with ?edit=1) its editor. */
export function DashboardView({ id, loc }: { id: string; loc: AppLocation }) {
  // `v` (set after a save) names the version to show, so a save reloads the board.
  const builtIn = generatedDashboard(id);
  const d = useApi(builtIn ? null : `${id}@${loc.params.get('v') ?? ''}`, (signal) =>
    getDashboard(id, signal),
  );
  if (builtIn) return <Board saved={builtIn} loc={loc} generated />;
  if (d.status === 'loading') return <Loading what="dashboard" />;
  if (d.status === 'error') return <ErrorPanel error={d.error} retry={d.reload} />;
  return (
    <Board key={`${d.data.id}@${d.data.version}`} saved={d.data} loc={loc} generated={false} />
  );
}
