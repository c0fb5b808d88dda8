import type { AlertHistoryEntry, AlertRule } from '@sightline/model/api/alerts';
import { ErrorPanel } from '../components/States.tsx';
import { formatTime } from '../format.ts';
import { PreviewChart } from './PreviewChart.tsx';
import { draftFromRule, draftToInput } from './rule-draft.ts';
import { formatRuleValue } from './rule-values.ts';
import { StateBadge } from './StateBadge.tsx';
import { usePreview } from './use-preview.ts';

interface Props {
  readonly rule: AlertRule;
  readonly entries: readonly AlertHistoryEntry[];
  readonly hours: number;
}

/** The rule's series over the last hours with its recorded state changes on it. */
export function HistoryChart({ rule, entries, hours }: Props) {
  const p = usePreview(draftToInput(draftFromRule(rule)).input, hours);
  const markers = entries.map((e) => ({ at: Date.parse(e.at), to: e.to, groupKey: e.groupKey }));
  if (p.error) return <ErrorPanel error={p.error} />;
  if (p.data === null) return <p className="hint">Loading the rule’s series…</p>;
  return <PreviewChart preview={p.data} query={rule.query} markers={markers} />;
}

export function HistoryTable({
  rule,
  entries,
}: {
  rule: AlertRule;
  entries: readonly AlertHistoryEntry[];
}) {
  const formatValue = (v: number | string) => formatRuleValue(rule.query, v);
  return (
    <table className="grid alert-history" aria-label="State changes">
      <thead>
        <tr>
          <th>When</th>
          <th>Group</th>
          <th>Change</th>
          <th className="num">Value</th>
          <th className="num">Threshold</th>
          <th>Notes</th>
        </tr>
      </thead>
      <tbody>
        {entries.map((e, i) => (
          <tr key={`${e.at}-${e.groupKey}-${i}`}>
            <td className="nowrap">{formatTime(Date.parse(e.at), true)}</td>
            <td className="mono">{e.groupKey || '—'}</td>
            <td className="nowrap">
              <StateBadge state={e.from} /> → <StateBadge state={e.to} />
            </td>
            <td className="num">{e.value === null ? 'no data' : formatValue(e.value)}</td>
            <td className="num">{e.threshold === null ? '—' : formatValue(e.threshold)}</td>
            <td className="sub">
              {[e.noData && 'no data (policy decided)', e.silenced && 'silenced']
                .filter(Boolean)
                .join(', ')}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
