import { useApi } from '../api.ts';
import { listAlerts, listRules } from '../alerts/alert-api.ts';
import { alertPath } from '../alerts/alert-routes.ts';
import { describeRule } from '../alerts/rule-draft.ts';
import { isStateName, ruleRows, STATES } from '../alerts/rule-rows.ts';
import { ImportRules } from '../alerts/ImportRules.tsx';
import { SilencesPanel } from '../alerts/SilencesPanel.tsx';
import { SeverityBadge, StateBadge } from '../alerts/StateBadge.tsx';
import { usePolling } from '../alerts/use-polling.ts';
import { formatRuleValue } from '../alerts/rule-values.ts';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { formatTime } from '../format.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';

/** How often the list asks for fresh states. */
const POLL_MS = 3000;

/** Every rule with where its alerts stand, filterable by state; silences below. */
export function AlertsView({ loc }: { loc: AppLocation }) {
  const stateParam = loc.params.get('state');
  const filter = isStateName(stateParam) ? stateParam : null;
  // One key for the page: a reload keeps the table (and the silence form) up while it loads.
  const data = useApi('alerts', async (signal) => {
    const [rules, alerts] = await Promise.all([listRules(signal), listAlerts({}, signal)]);
    return { rules: rules.rules, alerts: alerts.alerts };
  });
  usePolling(data.reload, POLL_MS);
  const rows = data.status === 'ok' ? ruleRows(data.data.rules, data.data.alerts, filter) : [];
  const counts = new Map(STATES.map((s) => [s, 0]));
  if (data.status === 'ok')
    for (const a of data.data.alerts) counts.set(a.state, (counts.get(a.state) ?? 0) + 1);
  return (
    <div className="alerts-page">
      <h1>
        Alerts
        <Link className="button" href={hrefTo('/alerts/new', {}, loc.params)}>
          + New rule
        </Link>
      </h1>
      <ImportRules onImported={data.reload} />
      <div className="tabs alert-filter" role="tablist" aria-label="Filter by state">
        <button
          type="button"
          role="tab"
          aria-selected={filter === null}
          className={filter === null ? 'active' : undefined}
          onClick={() => navigate(withParams(loc, { state: null }))}
        >
          All rules
        </button>
        {STATES.map((s) => (
          <button
            key={s}
            type="button"
            role="tab"
            aria-selected={filter === s}
            className={filter === s ? 'active' : undefined}
            onClick={() => navigate(withParams(loc, { state: s }))}
          >
            {s} ({counts.get(s) ?? 0})
          </button>
        ))}
      </div>
      {data.status === 'loading' && <Loading what="alert rules" />}
      {data.status === 'error' && <ErrorPanel error={data.error} retry={data.reload} />}
      {data.status === 'ok' && data.data.rules.length === 0 && (
        <Empty title="No alert rules yet">
          <Link href={hrefTo('/alerts/new', {}, loc.params)}>Create a rule</Link> to be told when an
          error rate, a latency, a log search or a metric crosses a threshold.
        </Empty>
      )}
      {data.status === 'ok' && data.data.rules.length > 0 && rows.length === 0 && (
        <Empty title={`No alert is ${filter ?? 'there'} right now`}>
          <Link href={withParams(loc, { state: null })}>Show all rules</Link>.
        </Empty>
      )}
      {rows.length > 0 && (
        <table className="grid alerts-table" aria-label="Alert rules">
          <thead>
            <tr>
              <th>Rule</th>
              <th>Severity</th>
              <th>State</th>
              <th className="num">Value</th>
              <th>Last change</th>
            </tr>
          </thead>
          <tbody>
            {rows.map((r) => (
              <tr
                key={r.rule.id}
                data-rule-id={r.rule.id}
                className={r.rule.enabled ? undefined : 'alert-disabled'}
              >
                <td>
                  <Link href={hrefTo(alertPath(r.rule.id), {}, loc.params)}>{r.rule.name}</Link>
                  <div className="sub">
                    {describeRule(r.rule)}
                    {!r.rule.enabled && ' · disabled'}
                  </div>
                </td>
                <td>
                  <SeverityBadge severity={r.rule.severity} />
                </td>
                <td>
                  {r.alerts.length === 0 ? (
                    <span className="sub">not evaluated yet</span>
                  ) : (
                    <ul className="alert-groups">
                      {r.alerts.map((a) => (
                        <li key={a.groupKey}>
                          <StateBadge state={a.state} />
                          {a.groupKey && <span className="mono"> {a.groupKey}</span>}
                          {a.silenced && <span className="alert-silenced">silenced</span>}
                        </li>
                      ))}
                    </ul>
                  )}
                </td>
                <td className="num">
                  {r.alerts.map((a) => (
                    <div key={a.groupKey}>
                      {a.value === null ? 'no data' : formatRuleValue(r.rule.query, a.value)}
                    </div>
                  ))}
                </td>
                <td className="nowrap">
                  {r.lastChange === null ? '—' : formatTime(r.lastChange, true)}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {data.status === 'ok' && (
        <SilencesPanel
          rules={data.data.rules}
          ruleId={loc.params.get('silence') ?? ''}
          onChanged={data.reload}
        />
      )}
    </div>
  );
}
