import { useState, type FormEvent } from 'react';
import type { AlertRule, AlertRuleInput } from '@sightline/model/api/alerts';
import { ApiError, errorText } from '../api.ts';
import { checkQuery } from '../components/QueryBar.tsx';
import { createRule, replaceRule } from './alert-api.ts';
import { ChannelsEditor } from './ChannelsEditor.tsx';
import { fieldOfError } from './field-errors.ts';
import { Field, type FieldErrors } from './Field.tsx';
import { PreviewPanel } from './PreviewPanel.tsx';
import { QueryFields } from './QueryFields.tsx';
import { draftToInput, type RuleDraft } from './rule-draft.ts';
import { isRatio } from './rule-values.ts';

interface Props {
  readonly initial: RuleDraft;
  /** Set when editing a stored rule. */
  readonly ruleId?: string;
  readonly hours: number;
  readonly onHours: (hours: number) => void;
  readonly onSaved: (rule: AlertRule) => void;
  readonly onCancel: () => void;
}

/** What can be previewed: a complete enough rule, or null with the reason. */
function previewable(
  d: RuleDraft,
  input: AlertRuleInput,
  clientOk: boolean,
): AlertRuleInput | null {
  if (!clientOk) return null;
  if ((d.kind === 'log_count' || d.kind === 'trace_red') && checkQuery(d.q) !== null) return null;
  if (d.kind === 'metric' && d.metric.trim() === '') return null;
  if (d.kind === 'promql' && d.expr.trim() === '') return null;
  // The preview does not care about the name; a draft without one still shows its chart.
  return { ...input, name: input.name || 'preview' };
}

/** Every field of an alert rule, the server's complaints beside them, and a live preview. */
export function RuleForm({ initial, ruleId, hours, onHours, onSaved, onCancel }: Props) {
  const [draft, setDraft] = useState(initial);
  const [serverErrors, setServerErrors] = useState<FieldErrors>({});
  const [formError, setFormError] = useState<string | null>(null);
  const [saving, setSaving] = useState(false);
  const set = (patch: Partial<RuleDraft>) => {
    setDraft((d) => ({ ...d, ...patch }));
    setFormError(null);
    // A complaint about a field goes once that field changes.
    setServerErrors((e) => {
      const next = { ...e };
      for (const k of Object.keys(patch)) {
        for (const f of Object.keys(next) as (keyof FieldErrors)[])
          if (f === k || f.startsWith(`${k}.`) || (k === 'q' && f === 'query.q')) delete next[f];
      }
      return next;
    });
  };
  const { input, problems } = draftToInput(draft);
  const errors: FieldErrors = { ...serverErrors, ...problems };
  const clientOk = Object.keys(problems).length === 0;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!clientOk) return;
    setSaving(true);
    setFormError(null);
    try {
      const saved =
        ruleId === undefined ? await createRule(input) : await replaceRule(ruleId, input);
      onSaved(saved);
    } catch (err) {
      const message = errorText(err);
      const { field } = fieldOfError(message);
      if (err instanceof ApiError && err.status === 400 && field !== null) {
        setServerErrors({ [field]: message });
        setFormError(`The server refused the rule: see the field marked below (${message}).`);
      } else {
        setServerErrors({});
        setFormError(message);
      }
    } finally {
      setSaving(false);
    }
  };

  return (
    <form className="alert-form" onSubmit={(e) => void submit(e)} noValidate>
      {formError && (
        <div className="state state-error alert-form-error" role="alert">
          {formError}
        </div>
      )}
      <section className="card alert-section">
        <h3>Rule</h3>
        <div className="alert-fields">
          <Field label="Name" field="name" errors={errors}>
            <input
              value={draft.name}
              placeholder="Checkout error rate"
              onChange={(e) => set({ name: e.target.value })}
            />
          </Field>
          <Field label="Severity" field="severity" errors={errors}>
            <select
              value={draft.severity}
              onChange={(e) => set({ severity: e.target.value as RuleDraft['severity'] })}
            >
              <option value="critical">critical</option>
              <option value="warning">warning</option>
              <option value="info">info</option>
            </select>
          </Field>
          <label className="alert-field alert-check">
            <input
              type="checkbox"
              checked={draft.enabled}
              onChange={(e) => set({ enabled: e.target.checked })}
            />
            <span>Enabled</span>
          </label>
          <Field label="Description" field="description" errors={errors} wide>
            <input
              value={draft.description}
              onChange={(e) => set({ description: e.target.value })}
            />
          </Field>
        </div>
      </section>

      <section className="card alert-section">
        <h3>Query</h3>
        <div className="alert-fields">
          <QueryFields draft={draft} errors={errors} set={set} />
        </div>
      </section>

      <section className="card alert-section">
        <h3>Condition and timing</h3>
        <div className="alert-fields">
          <Field label="Condition" field="condition.op" errors={errors}>
            <select
              value={draft.op}
              onChange={(e) => set({ op: e.target.value as RuleDraft['op'] })}
            >
              <option value=">">is above (&gt;)</option>
              <option value=">=">is at least (&gt;=)</option>
              <option value="<">is below (&lt;)</option>
              <option value="<=">is at most (&lt;=)</option>
            </select>
          </Field>
          <Field
            label="Threshold"
            field="condition.threshold"
            errors={errors}
            {...(draft.kind === 'promql'
              ? { hint: 'empty: every series the expression returns fires' }
              : isRatio(draft)
                ? { hint: 'percent of requests that fail, e.g. 30.9' }
                : {})}
          >
            <span className="alert-unit-input">
              <input
                type="number"
                step="any"
                value={draft.threshold}
                onChange={(e) => set({ threshold: e.target.value })}
              />
              {isRatio(draft) && <span className="alert-unit">%</span>}
            </span>
          </Field>
          <Field label="Window" field="window" errors={errors} hint="e.g. 5m: data read per check">
            <input value={draft.window} onChange={(e) => set({ window: e.target.value })} />
          </Field>
          <Field label="Interval" field="interval" errors={errors} hint="how often it is checked">
            <input value={draft.interval} onChange={(e) => set({ interval: e.target.value })} />
          </Field>
          <Field label="For" field="for" errors={errors} hint="pending this long before firing">
            <input value={draft.for} onChange={(e) => set({ for: e.target.value })} />
          </Field>
          <Field label="When there is no data" field="noData" errors={errors}>
            <select
              value={draft.noData}
              onChange={(e) => set({ noData: e.target.value as RuleDraft['noData'] })}
            >
              <option value="">keep the state (default)</option>
              <option value="ok">resolve</option>
              <option value="alerting">treat as a breach</option>
            </select>
          </Field>
        </div>
      </section>

      <PreviewPanel
        rule={previewable(draft, input, clientOk)}
        hours={hours}
        onHours={onHours}
        waitingFor={
          draft.kind === 'metric' && draft.metric.trim() === ''
            ? 'Pick a metric to see the preview.'
            : 'Fix the fields marked in red to see the preview.'
        }
      />

      <section className="card alert-section">
        <h3>Labels, grouping and message</h3>
        <div className="alert-fields">
          <Field
            label="Group by"
            field="groupBy"
            errors={errors}
            hint="comma-separated keys; one alert per value, e.g. service"
          >
            <input value={draft.groupBy} onChange={(e) => set({ groupBy: e.target.value })} />
          </Field>
          <Field label="Labels" field="labels" errors={errors} hint="one key=value a line">
            <textarea
              rows={2}
              value={draft.labels}
              placeholder="team=payments"
              onChange={(e) => set({ labels: e.target.value })}
            />
          </Field>
          <Field
            label="Message"
            field="message"
            errors={errors}
            wide
            hint="placeholders: {{value}} {{threshold}} {{condition}} {{state}} {{rule.name}} {{group.KEY}} {{labels.KEY}} {{dashboardUrl}}"
          >
            <textarea
              rows={2}
              value={draft.message}
              placeholder="{{rule.name}} is {{state}}: {{value}} ({{condition}})"
              onChange={(e) => set({ message: e.target.value })}
            />
          </Field>
        </div>
      </section>

      <section className="card alert-section">
        <h3>Notifications</h3>
        <div className="alert-fields">
          <Field label="Channels" field="channels" errors={errors} wide>
            <ChannelsEditor channels={draft.channels} onChange={(channels) => set({ channels })} />
          </Field>
          <Field
            label="Repeat while firing every"
            field="repeatInterval"
            errors={errors}
            hint="empty: notify once"
          >
            <input
              value={draft.repeatInterval}
              placeholder="4h"
              onChange={(e) => set({ repeatInterval: e.target.value })}
            />
          </Field>
        </div>
      </section>

      <div className="alert-actions">
        <button type="submit" className="primary" disabled={saving || !clientOk}>
          {saving ? 'Saving…' : ruleId === undefined ? 'Create rule' : 'Save rule'}
        </button>
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      </div>
    </form>
  );
}
