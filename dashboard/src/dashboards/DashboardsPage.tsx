import { useState } from 'react';
import { errorText, useApi } from '../api.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { formatMinute } from '../components/time-format.ts';
import { ErrorPanel, Loading } from '../components/States.tsx';
import { createDashboard, emptyDashboard, listDashboards, parseImport } from './dashboard-api.ts';
import { DashboardView } from './DashboardView.tsx';
import { GENERATED } from './generated.ts';

/** Generated boards whose title or tags hold every word of the search, as list rows. */
const generatedMatching = (search: string) => {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  return GENERATED.filter((d) =>
    words.every((w) => [d.title, ...d.tags].some((t) => t.toLowerCase().includes(w))),
  ).map((d) => ({ ...d, panels: d.panels.length }));
};

function DashboardList({ loc }: { loc: AppLocation }) {
  const search = loc.params.get('search') ?? '';
  const [text, setText] = useState(search);
  const [message, setMessage] = useState<string | null>(null);
  const list = useApi(`list:${search}`, (signal) => listDashboards(search, signal));
  const open = async (make: () => ReturnType<typeof createDashboard>) => {
    setMessage(null);
    try {
      const d = await make();
      navigate(`/dashboards/${d.id}?edit=1`);
    } catch (err) {
      setMessage(errorText(err));
    }
  };
  const importFile = async (file: File) => {
    const parsed = parseImport(await file.text());
    if (typeof parsed === 'string') setMessage(`${file.name} is not a dashboard: ${parsed}`);
    else await open(() => createDashboard(parsed));
  };
  return (
    <div className="dashboards-page">
      <form
        className="toolbar"
        onSubmit={(e) => {
          e.preventDefault();
          navigate(withParams(loc, { search: text }));
        }}
      >
        <input
          aria-label="Search dashboards"
          placeholder="Search by title or tag"
          value={text}
          onChange={(e) => setText(e.target.value)}
        />
        <button type="submit">Search</button>
        <div className="spacer" />
        <button
          type="button"
          className="button"
          onClick={() => void open(() => createDashboard(emptyDashboard('New dashboard')))}
        >
          New dashboard
        </button>
        <label className="button import-button">
          Import JSON
          <input
            type="file"
            accept="application/json,.json"
            aria-label="Import dashboard"
            hidden
            onChange={(e) => {
              const f = e.target.files?.[0];
              e.target.value = '';
              if (f) void importFile(f);
            }}
          />
        </label>
      </form>
      {message && (
        <div className="state-error" role="alert">
          {message}
        </div>
      )}
      {list.status === 'loading' && <Loading what="dashboards" />}
      {list.status === 'error' && <ErrorPanel error={list.error} retry={list.reload} />}
      {list.status === 'ok' && (
        <table className="dashboards-table">
          <thead>
            <tr>
              <th>Title</th>
              <th>Tags</th>
              <th className="num">Panels</th>
              <th>Saved</th>
            </tr>
          </thead>
          <tbody>
            {[...generatedMatching(search), ...list.data.dashboards].map((d) => (
              <tr key={d.id}>
                <td>
                  <Link href={hrefTo(`/dashboards/${d.id}`)}>{d.title}</Link>
                  {d.description && <div className="sub">{d.description}</div>}
                </td>
                <td>
                  {d.tags.map((t) => (
                    <Link key={t} className="tag" href={hrefTo('/dashboards', { search: t })}>
                      {t}
                    </Link>
                  ))}
                </td>
                <td className="num">{d.panels}</td>
                <td className="sub">
                  {d.version === 0
                    ? 'generated'
                    : `${formatMinute(Date.parse(d.updatedAt))} (v${d.version})`}
                </td>
              </tr>
            ))}
            {list.data.dashboards.length === 0 && generatedMatching(search).length === 0 && (
              <tr>
                <td colSpan={4} className="sub">
                  {search ? `No dashboard matches “${search}”.` : 'No dashboards saved yet.'}
                </td>
              </tr>
            )}
          </tbody>
        </table>
      )}
    </div>
  );
}

/** `/dashboards` and `/dashboards/{id}`: loaded on demand, apart from the rest of the app. */
export default function DashboardsPage({ id, loc }: { id: string | null; loc: AppLocation }) {
  return id === null ? <DashboardList loc={loc} /> : <DashboardView key={id} id={id} loc={loc} />;
}
