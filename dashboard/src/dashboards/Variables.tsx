import { useState } from 'react';
import type { DashboardVariable, VariableSource } from '@sightline/model/api/dashboards';
import { VARIABLE_NAME } from '@sightline/model/api/dashboards';
import { useApi } from '../api.ts';
import { loadChoices, type PanelWindow } from './panel-data.ts';
import type { VariableValues } from './variables.ts';

function Picker({
  v,
  values,
  window: w,
  onChange,
}: {
  v: DashboardVariable;
  values: VariableValues;
  window: PanelWindow;
  onChange: (vs: string[]) => void;
}) {
  // An operations variable may follow a service variable: `$svc` resolves to its first value.
  const source: VariableSource =
    v.source.kind === 'operations' && v.source.service?.startsWith('$')
      ? { kind: 'operations', service: values[v.source.service.slice(1)]?.[0] ?? '' }
      : v.source;
  const choices = useApi(JSON.stringify([source, w.from, w.to]), (signal) =>
    loadChoices(source, w, signal),
  );
  const current = values[v.name] ?? [];
  const options = [...new Set([...(choices.status === 'ok' ? choices.data : []), ...current])];
  const label = v.label || v.name;
  return (
    <label className="variable">
      <span className="sub">{label}</span>
      <select
        aria-label={`Variable ${v.name}`}
        multiple={v.multi}
        value={v.multi ? [...current] : (current[0] ?? '')}
        onChange={(e) =>
          onChange([...e.target.selectedOptions].map((o) => o.value).filter((x) => x !== ''))
        }
      >
        {!v.multi && <option value="">any</option>}
        {options.map((o) => (
          <option key={o} value={o}>
            {o}
          </option>
        ))}
      </select>
      {choices.status === 'error' && <span className="bad">choices failed to load</span>}
    </label>
  );
}

/** The dashboard's variables as pickers; a change goes to the URL, so a link keeps it. */
export function VariableBar(props: {
  variables: readonly DashboardVariable[];
  values: VariableValues;
  window: PanelWindow;
  onChange: (name: string, vs: string[]) => void;
  onRemove?: (name: string) => void;
}) {
  if (props.variables.length === 0) return null;
  return (
    <div className="variable-bar" aria-label="Variables">
      {props.variables.map((v) => (
        <span key={v.name} className="variable-item">
          <Picker
            v={v}
            values={props.values}
            window={props.window}
            onChange={(vs) => props.onChange(v.name, vs)}
          />
          {props.onRemove && (
            <button
              type="button"
              aria-label={`Remove variable ${v.name}`}
              onClick={() => props.onRemove?.(v.name)}
            >
              ×
            </button>
          )}
        </span>
      ))}
    </div>
  );
}

const NAME = new RegExp(VARIABLE_NAME);

/** A form for a new variable. */
export function VariableEditor({
  taken,
  onAdd,
  onCancel,
}: {
  taken: readonly string[];
  onAdd: (v: DashboardVariable) => void;
  onCancel: () => void;
}) {
  const [name, setName] = useState('');
  const [kind, setKind] = useState<VariableSource['kind']>('services');
  const [a, setA] = useState('');
  const [b, setB] = useState('');
  const [multi, setMulti] = useState(true);
  const problem = !NAME.test(name)
    ? 'a name: letters, digits and _, not starting with a digit'
    : taken.includes(name)
      ? `a variable named ${name} exists`
      : kind === 'metric_label' && (a === '' || b === '')
        ? 'a metric and a label key'
        : null;
  const source = (): VariableSource => {
    switch (kind) {
      case 'services':
        return { kind };
      case 'operations':
        return a ? { kind, service: a } : { kind };
      case 'metric_label':
        return { kind, metric: a, key: b };
      case 'custom':
        return {
          kind,
          values: a
            .split(',')
            .map((x) => x.trim())
            .filter(Boolean),
        };
    }
  };
  return (
    <form
      className="variable-editor card"
      aria-label="New variable"
      onSubmit={(e) => {
        e.preventDefault();
        if (problem === null) onAdd({ name, source: source(), multi, current: [] });
      }}
    >
      <label>
        Name{' '}
        <input aria-label="Variable name" value={name} onChange={(e) => setName(e.target.value)} />
      </label>
      <label>
        Values from
        <select
          aria-label="Variable source"
          value={kind}
          onChange={(e) => setKind(e.target.value as VariableSource['kind'])}
        >
          <option value="services">services</option>
          <option value="operations">operations of a service</option>
          <option value="metric_label">values of a metric label</option>
          <option value="custom">a fixed list</option>
        </select>
      </label>
      {kind !== 'services' && (
        <label>
          {kind === 'operations'
            ? 'Service'
            : kind === 'metric_label'
              ? 'Metric'
              : 'Values (a, b, c)'}
          <input
            aria-label="Variable source value"
            value={a}
            onChange={(e) => setA(e.target.value)}
          />
        </label>
      )}
      {kind === 'metric_label' && (
        <label>
          Label key{' '}
          <input aria-label="Variable label key" value={b} onChange={(e) => setB(e.target.value)} />
        </label>
      )}
      <label className="check">
        <input type="checkbox" checked={multi} onChange={(e) => setMulti(e.target.checked)} />{' '}
        several values
      </label>
      <button type="submit" className="button" disabled={problem !== null} title={problem ?? ''}>
        Add variable
      </button>
      <button type="button" onClick={onCancel}>
        Cancel
      </button>
      {problem !== null && name !== '' && <span className="sub">Needs {problem}</span>}
    </form>
  );
}
