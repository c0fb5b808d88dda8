import { useState } from 'react';
import type { AlertRule } from '@sightline/model/api/alerts';
import { useApi } from '../api.ts';
import {
  deleteRule,
  getRule,
  listAlerts,
  readDeliveries,
  readHistory,
} from '../alerts/alert-api.ts';
import { DeliveriesTable } from '../alerts/DeliveriesTable.tsx';
import { alertEditPath } from '../alerts/alert-routes.ts';
import { PREVIEW_HOURS } from '../alerts/PreviewPanel.tsx';
import { describeRule } from '../alerts/rule-draft.ts';
import { HistoryChart, HistoryTable } from '../alerts/RuleHistory.tsx';
import { formatRuleValue } from '../alerts/rule-values.ts';
import { SeverityBadge, StateBadge } from '../alerts/StateBadge.tsx';
import { usePolling } from '../alerts/use-polling.ts';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { formatTime } from '../format.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';

const POLL_MS = 3000;
const HISTORY_LIMIT = 200;

function channelText(c: AlertRule['channels'][number]): string {
  return c.kind === 'email' ? `email ${c.to.join(', ')}` : `${c.kind} ${new URL(c.url).host}`;
}

function RuleFacts({ rule }: { rule: AlertRule }) {
  const labels = Object.entries(rule.labels);
  return (
    <dl className="facts alert-facts">
      <dt>Condition</dt>
      <dd>{describeRule(rule)}</dd>
      <dt>Timing</dt>
      <dd>
        window {rule.window}, every {rule.interval}, for {rule.for}
        {rule.repeatInterval && `, repeat every ${rule.repeatInterval}`}
      </dd>
      <dt>Severity</dt>
      <dd>
        <SeverityBadge severity={rule.severity} />
        {!rule.enabled && <span className="sub"> (disabled: not evaluated)</span>}
      </dd>
      {rule.groupBy.length > 0 && (
        <>
          <dt>Group by</dt>
          <dd className="mono">{rule.groupBy.join(', ')}</dd>
        </>
      )}
      {labels.length > 0 && (
        <>
          <dt>Labels</dt>
          <dd className="mono">{labels.map(([k, v]) => `${k}=${v}`).join(' ')}</dd>
        </>
      )}
      <dt>No data</dt>
      <dd>{rule.noData}</dd>
      <dt>Channels</dt>
      <dd>{rule.channels.length === 0 ? 'none' : rule.channels.map(channelText).join('; ')}</dd>
      <dt>Message</dt>
      <dd className="mono">{rule.message}</dd>
    </dl>
  );
}

/** One rule: what it checks, where its alerts stand, and every state change it recorded. */
export function AlertRuleView({ loc, id }: { loc: AppLocation; id: string }) {
  const hours = Number(loc.params.get('hours')) || 1;
  const data = useApi(`alert-${id}`, async (signal) => {
    const [rule, alerts, history, deliveries] = await Promise.all([
      getRule(id, signal),
      listAlerts({ ruleId: id }, signal),
      readHistory(id, HISTORY_LIMIT, signal),
      readDeliveries(id, HISTORY_LIMIT, signal),
    ]);
    return {
      rule,
      alerts: alerts.alerts,
      history: history.entries,
      deliveries: deliveries.deliveries,
    };
  });
  usePolling(data.reload, POLL_MS);
  const [confirming, setConfirming] = useState(false);
  const [deleteError, setDeleteError] = useState<Error | null>(null);
  if (data.status === 'loading') return <Loading what="the alert rule" />;
  if (data.status === 'error')
    return (
      <>
        <ErrorPanel error={data.error} retry={data.reload} />
        <Link href={hrefTo('/alerts', {}, loc.params)}>Back to all alert rules</Link>
      </>
    );
  const { rule, alerts, history, deliveries } = data.data;
  const remove = async () => {
    try {
      await deleteRule(rule.id);
      navigate(hrefTo('/alerts', {}, loc.params));
    } catch (err) {
      setDeleteError(err instanceof Error ? err : new Error(String(err)));
    }
  };
  return (
    <div className="alerts-page">
      <p className="crumbs">
        <Link href={hrefTo('/alerts', {}, loc.params)}>Alerts</Link> /
      </p>
      <h1>
        {rule.name}
        <Link className="button" href={hrefTo(alertEditPath(rule.id), {}, loc.params)}>
          Edit
        </Link>
        <Link className="button" href={hrefTo('/alerts', { silence: rule.id }, loc.params)}>
          Silence…
        </Link>
        {confirming ? (
          <>
            <button type="button" className="danger" onClick={() => void remove()}>
              Really delete
            </button>
            <button type="button" onClick={() => setConfirming(false)}>
              Keep it
            </button>
          </>
        ) : (
          <button type="button" onClick={() => setConfirming(true)}>
            Delete
          </button>
        )}
      </h1>
      {rule.description && <p>{rule.description}</p>}
      {deleteError && <ErrorPanel error={deleteError} />}
      <section className="card alert-section">
        <RuleFacts rule={rule} />
      </section>

      <h2>Current alerts</h2>
      {alerts.length === 0 ? (
        <Empty title="Not evaluated yet">
          {rule.enabled
            ? `The evaluator checks it every ${rule.interval}; its state appears here after the first check.`
            : 'The rule is disabled: enable it in Edit to have it checked.'}
        </Empty>
      ) : (
        <table className="grid" aria-label="Current alerts">
          <thead>
            <tr>
              <th>Group</th>
              <th>State</th>
              <th className="num">Value</th>
              <th>Since</th>
              <th>Last checked</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {alerts.map((a) => (
              <tr key={a.groupKey}>
                <td className="mono">{a.groupKey || '(whole rule)'}</td>
                <td>
                  <StateBadge state={a.state} />
                  {a.silenced && <span className="alert-silenced">silenced</span>}
                </td>
                <td className="num">
                  {a.value === null ? 'no data' : formatRuleValue(rule.query, a.value)}
                </td>
                <td className="nowrap">
                  {(() => {
                    const since = a.resolvedAt ?? a.firedAt ?? a.activeSince;
                    return since ? formatTime(Date.parse(since), true) : '—';
                  })()}
                </td>
                <td className="nowrap">{formatTime(Date.parse(a.lastEvaluatedAt), true)}</td>
                <td>
                  <a href={a.dashboardUrl}>View data</a>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}

      <h2>
        History
        <select
          aria-label="History span"
          value={hours}
          onChange={(e) => navigate(withParams(loc, { hours: e.target.value }))}
        >
          {PREVIEW_HOURS.map((h) => (
            <option key={h} value={h}>
              last {h} h
            </option>
          ))}
        </select>
      </h2>
      <section className="card alert-section">
        <HistoryChart rule={rule} entries={history} hours={hours} />
      </section>
      {history.length === 0 ? (
        <Empty title="No state changes recorded">
          Changes appear here once the rule goes pending, firing or resolved.
        </Empty>
      ) : (
        <HistoryTable rule={rule} entries={history} />
      )}

      <h2>Notifications</h2>
      {deliveries.length === 0 ? (
        <Empty title="Nothing sent yet">
          {rule.channels.length === 0
            ? 'The rule has no channels: add a webhook, Slack or email channel in Edit.'
            : 'Each attempt to notify a channel appears here, with what the receiver answered.'}
        </Empty>
      ) : (
        <DeliveriesTable deliveries={deliveries} />
      )}
    </div>
  );
}
