import { useState } from 'react';
import {
  MAX_PANEL_QUERIES,
  type AxisSide,
  type Panel,
  type PanelQuery,
  type PanelType,
  type Threshold,
} from '@sightline/model/api/dashboards';
import { MetricNamesResponse } from '@sightline/model/api/metrics';
import { apiGet, useApi } from '../api.ts';
import { StepSelect } from '../components/StepSelect.tsx';
import { PanelFrame } from './PanelFrame.tsx';
import type { PanelWindow } from './panel-data.ts';
import { defaultQuery, omit, QueryEditor } from './QueryEditor.tsx';
import type { VariableValues } from './variables.ts';

const TYPES: { type: PanelType; label: string; signals: PanelQuery['signal'][] }[] = [
  { type: 'timeseries', label: 'Time series', signals: ['metrics', 'logs', 'traces', 'promql'] },
  { type: 'stat', label: 'Stat', signals: ['metrics', 'logs', 'traces', 'promql'] },
  { type: 'bar', label: 'Bar / top N', signals: ['metrics', 'logs', 'traces', 'promql'] },
  { type: 'logs', label: 'Log list', signals: ['logs'] },
  { type: 'traces', label: 'Trace list', signals: ['traces'] },
];
const isList = (t: PanelType) => t === 'logs' || t === 'traces';

/** `80:amber, 95:red` ⇄ thresholds. */
export function parseThresholds(text: string): Threshold[] | null {
  const out: Threshold[] = [];
  for (const part of text
    .split(',')
    .map((p) => p.trim())
    .filter(Boolean)) {
    const m = /^(-?\d+(?:\.\d+)?)\s*:\s*(green|amber|red)$/.exec(part);
    if (!m) return null;
    out.push({ value: Number(m[1]), color: m[2] as Threshold['color'] });
  }
  return out;
}
const thresholdText = (ts: readonly Threshold[] = []) =>
  ts.map((t) => `${t.value}:${t.color}`).join(', ');

interface Props {
  readonly initial: Panel;
  readonly values: VariableValues;
  readonly window: PanelWindow;
  readonly onApply: (p: Panel) => void;
  readonly onCancel: () => void;
}

/** Edits one panel with a live preview of what it will show. */
export function PanelEditor({ initial, values, window: w, onApply, onCancel }: Props) {
  const [p, setP] = useState<Panel>(initial);
  const [thresholds, setThresholds] = useState(thresholdText(initial.options.thresholds));
  // One key and one "is it a query yet" flag a query row, kept in step with p.queries.
  const [rows, setRows] = useState(() => initial.queries.map((_, i) => ({ key: i, valid: true })));
  const names = useApi('names', (signal) =>
    apiGet(MetricNamesResponse, '/metrics/names', { limit: 1000 }, signal),
  );
  const metrics = names.status === 'ok' ? names.data.metrics : [];
  const parsedThresholds = parseThresholds(thresholds);
  const signals = TYPES.find((t) => t.type === p.type)?.signals ?? [];
  const ready =
    p.queries.every((q) => q.signal !== 'metrics' || q.metric !== '') &&
    rows.every((r) => r.valid) &&
    parsedThresholds !== null;
  const setQuery = (i: number, q: PanelQuery, valid: boolean) => {
    setP({ ...p, queries: p.queries.map((x, j) => (j === i ? q : x)) });
    setRows(rows.map((r, j) => (j === i ? { ...r, valid } : r)));
  };
  const addQuery = () => {
    const last = p.queries[p.queries.length - 1];
    setP({ ...p, queries: [...p.queries, defaultQuery(last?.signal ?? 'metrics')] });
    setRows([...rows, { key: Math.max(0, ...rows.map((r) => r.key)) + 1, valid: true }]);
  };
  const removeQuery = (i: number) => {
    setP({ ...p, queries: p.queries.filter((_, j) => j !== i) });
    setRows(rows.filter((_, j) => j !== i));
  };
  return (
    <div className="panel-editor card" role="dialog" aria-label="Edit panel">
      <div className="panel-editor-form">
        <label>
          Title
          <input
            aria-label="Panel title"
            value={p.title}
            onChange={(e) => setP({ ...p, title: e.target.value })}
          />
        </label>
        <label>
          Type
          <select
            aria-label="Panel type"
            value={p.type}
            onChange={(e) => {
              const type = e.target.value as PanelType;
              const allowed = TYPES.find((t) => t.type === type)?.signals ?? [];
              // A list shows one search; the first query stays if the type can show it.
              const kept = (isList(type) ? p.queries.slice(0, 1) : p.queries).map((q) =>
                allowed.includes(q.signal) ? q : defaultQuery(allowed[0]!),
              );
              setP({ ...p, type, queries: kept });
              setRows(rows.slice(0, kept.length));
            }}
          >
            {TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <div className="panel-queries wide">
          {p.queries.map((q, i) => {
            const suffix = i === 0 ? '' : ` ${i + 1}`;
            return (
              <fieldset
                key={rows[i]?.key ?? i}
                className="panel-query"
                aria-label={`Query ${i + 1}`}
              >
                <QueryEditor
                  query={q}
                  type={p.type}
                  signals={signals}
                  metrics={metrics}
                  suffix={suffix}
                  onChange={(next, valid) => setQuery(i, next, valid)}
                />
                {!isList(p.type) && (
                  <label>
                    Y axis
                    <select
                      aria-label={`Y axis${suffix}`}
                      value={q.axis ?? 'auto'}
                      onChange={(e) => {
                        const next = { ...q };
                        delete next.axis;
                        const v = e.target.value;
                        setQuery(i, v === 'auto' ? next : { ...next, axis: v as AxisSide }, true);
                      }}
                    >
                      <option value="auto">auto (by unit)</option>
                      <option value="left">left</option>
                      <option value="right">right</option>
                    </select>
                  </label>
                )}
                {p.queries.length > 1 && (
                  <button type="button" onClick={() => removeQuery(i)}>
                    Remove query{suffix}
                  </button>
                )}
              </fieldset>
            );
          })}
          {!isList(p.type) && p.queries.length < MAX_PANEL_QUERIES && (
            <button type="button" onClick={addQuery}>
              Add query
            </button>
          )}
        </div>
        {p.type !== 'logs' && p.type !== 'traces' && (
          <label>
            Unit
            <input
              aria-label="Unit"
              placeholder="from the data (ms, By, 1, %, {requests}/s)"
              value={p.options.unit ?? ''}
              onChange={(e) => {
                const rest = omit(p.options, 'unit');
                setP({ ...p, options: e.target.value ? { ...rest, unit: e.target.value } : rest });
              }}
            />
          </label>
        )}
        {p.type !== 'logs' && p.type !== 'traces' && (
          <StepSelect
            value={p.options.step}
            onChange={(step) => {
              const rest = omit(p.options, 'step');
              setP({ ...p, options: step ? { ...rest, step } : rest });
            }}
            label="Panel step"
          />
        )}
        {p.type === 'stat' && (
          <label>
            Thresholds
            <input
              aria-label="Thresholds"
              placeholder="80:amber, 95:red"
              value={thresholds}
              aria-invalid={parsedThresholds === null}
              onChange={(e) => {
                setThresholds(e.target.value);
                const ts = parseThresholds(e.target.value);
                if (ts !== null) setP({ ...p, options: { ...p.options, thresholds: ts } });
              }}
            />
          </label>
        )}
        <div className="toolbar">
          <button type="button" className="button" disabled={!ready} onClick={() => onApply(p)}>
            Apply
          </button>
          <button type="button" onClick={onCancel}>
            Cancel
          </button>
        </div>
      </div>
      <div className="panel-editor-preview" aria-label="Preview">
        {ready ? (
          <PanelFrame panel={p} values={values} window={w} tick={0} />
        ) : (
          <div className="sub">Pick what to show; the preview follows every change.</div>
        )}
      </div>
    </div>
  );
}
