import { useState, type FormEvent } from 'react';
import type { AlertRule, AlertSilence } from '@sightline/model/api/alerts';
import { formatTime } from '../format.ts';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { errorText, useApi } from '../api.ts';
import { createSilence, expireSilence, listSilences } from './alert-api.ts';
import { SILENCE_DURATIONS, silenceInput, type SilenceDraft } from './silence-input.ts';

interface Props {
  readonly rules: readonly AlertRule[];
  /** Preselects this rule in the form (from ?silence= in the URL). */
  readonly ruleId: string;
  readonly onChanged: () => void;
}

function describeTarget(s: AlertSilence, rules: readonly AlertRule[]): string {
  const parts: string[] = [];
  if (s.ruleId !== null)
    parts.push(`rule ${rules.find((r) => r.id === s.ruleId)?.name ?? s.ruleId}`);
  const m = Object.entries(s.matchers).map(([k, v]) => `${k}=${v}`);
  if (m.length > 0) parts.push(m.join(', '));
  return parts.join(' and ');
}

/** Silences: alerts keep evaluating, but matching ones notify nobody until the silence ends. */
export function SilencesPanel({ rules, ruleId, onChanged }: Props) {
  const list = useApi('silences', (signal) => listSilences(signal));
  const [draft, setDraft] = useState<SilenceDraft>({
    ruleId,
    matchers: '',
    durationMs: SILENCE_DURATIONS[0].ms,
    comment: '',
  });
  const [problem, setProblem] = useState<string | null>(null);
  const refresh = () => {
    list.reload();
    onChanged();
  };
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input = silenceInput(draft, Date.now());
    if (typeof input === 'string') return setProblem(input);
    try {
      await createSilence(input);
      setProblem(null);
      setDraft((d) => ({ ...d, matchers: '', comment: '' }));
      refresh();
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  const expire = async (id: string) => {
    try {
      await expireSilence(id);
      refresh();
    } catch (err) {
      setProblem(errorText(err));
    }
  };
  const silences = list.status === 'ok' ? list.data.silences : [];
  const active = silences.filter((s) => s.active);
  return (
    <section className="card alert-section alert-silences" aria-label="Silences">
      <h3>Silences</h3>
      <form className="alert-silence-form" onSubmit={(e) => void submit(e)}>
        <label>
          Rule
          <select
            value={draft.ruleId}
            onChange={(e) => setDraft({ ...draft, ruleId: e.target.value })}
          >
            <option value="">any rule (match labels)</option>
            {rules.map((r) => (
              <option key={r.id} value={r.id}>
                {r.name}
              </option>
            ))}
          </select>
        </label>
        <label>
          Labels to match
          <textarea
            rows={1}
            placeholder="team=payments"
            value={draft.matchers}
            onChange={(e) => setDraft({ ...draft, matchers: e.target.value })}
          />
        </label>
        <label>
          For
          <select
            value={draft.durationMs}
            onChange={(e) => setDraft({ ...draft, durationMs: Number(e.target.value) })}
          >
            {SILENCE_DURATIONS.map((d) => (
              <option key={d.ms} value={d.ms}>
                {d.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Comment
          <input
            value={draft.comment}
            placeholder="deploying the fix"
            onChange={(e) => setDraft({ ...draft, comment: e.target.value })}
          />
        </label>
        <button type="submit">Silence</button>
      </form>
      {problem && (
        <p className="field-error" role="alert">
          {problem}
        </p>
      )}
      {list.status === 'loading' && <Loading what="silences" />}
      {list.status === 'error' && <ErrorPanel error={list.error} retry={list.reload} />}
      {list.status === 'ok' && active.length === 0 && (
        <Empty title="Nothing is silenced">
          Mute a rule or a label match above, e.g. during a deploy or while a fix is on its way.
        </Empty>
      )}
      {active.length > 0 && (
        <table className="grid" aria-label="Active silences">
          <thead>
            <tr>
              <th>Silences</th>
              <th>Until</th>
              <th>Comment</th>
              <th />
            </tr>
          </thead>
          <tbody>
            {active.map((s) => (
              <tr key={s.id}>
                <td>{describeTarget(s, rules)}</td>
                <td className="nowrap">{formatTime(Date.parse(s.endsAt), true)}</td>
                <td>{s.comment}</td>
                <td className="num">
                  <button type="button" onClick={() => void expire(s.id)}>
                    Expire now
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </section>
  );
}
