import { useState } from 'react';
import { breakerOpenRule } from '@sightline/model/api/alert-templates';
import { draftFromInput, type RuleDraft } from './rule-draft.ts';

interface Props {
  /** Replaces the form's draft with the template's rule, to review and save. */
  readonly onUse: (draft: RuleDraft) => void;
}

function TextField(props: {
  readonly label: string;
  readonly value: string;
  readonly placeholder: string;
  readonly onChange: (value: string) => void;
}) {
  return (
    <label className="alert-field">
      <span className="alert-field-label">{props.label}</span>
      <input
        value={props.value}
        placeholder={props.placeholder}
        onChange={(e) => props.onChange(e.target.value)}
      />
    </label>
  );
}

/** Ready-made rules for a new alert: "circuit breaker open for more than N minutes". */
export function RuleTemplates({ onUse }: Props) {
  const [minutes, setMinutes] = useState('5');
  const [service, setService] = useState('');
  const [breaker, setBreaker] = useState('');
  const n = Number(minutes);
  const valid = minutes.trim() !== '' && Number.isFinite(n) && n > 0 && n <= 10_080;
  return (
    <section className="card alert-section" aria-label="Templates">
      <h3>Start from a template</h3>
      <p className="sub">
        Circuit breaker open for more than N minutes: one alert per service and breaker, from the
        SDK’s <code>circuit_breaker.state</code> metric.
      </p>
      <div className="alert-fields">
        <label className={`alert-field${valid ? '' : ' has-error'}`}>
          <span className="alert-field-label">Open for more than (min)</span>
          <input
            type="number"
            min="1"
            step="1"
            value={minutes}
            onChange={(e) => setMinutes(e.target.value)}
          />
          {!valid && (
            <span className="field-error" role="alert">
              A number of minutes over 0, at most a week (10080)
            </span>
          )}
        </label>
        <TextField
          label="Service"
          value={service}
          placeholder="every service"
          onChange={setService}
        />
        <TextField
          label="Breaker"
          value={breaker}
          placeholder="every breaker"
          onChange={setBreaker}
        />
      </div>
      <div className="alert-actions">
        <button
          type="button"
          disabled={!valid}
          onClick={() =>
            onUse(
              draftFromInput(
                breakerOpenRule({ minutes: n, service: service.trim(), breaker: breaker.trim() }),
              ),
            )
          }
        >
          Use “circuit breaker open” template
        </button>
      </div>
    </section>
  );
}
