import { useState } from 'react';
import type {
  Panel,
  PanelQuery,
  PanelType,
  Threshold,
  TraceMeasure,
} from '@sightline/model/api/dashboards';
import { MetricNamesResponse, type MetricAggregation } from '@sightline/model/api/metrics';
import { apiGet, useApi } from '../api.ts';
import { AGGREGATIONS, defaultAggregation, parseFilter } from '../metrics/metric-queries.ts';
import { StepSelect } from '../components/StepSelect.tsx';
import { PanelFrame } from './PanelFrame.tsx';
import type { PanelWindow } from './panel-data.ts';
import type { VariableValues } from './variables.ts';
import { PromQLEditor } from '../promql/PromQLEditor.tsx';

const TYPES: { type: PanelType; label: string; signals: PanelQuery['signal'][] }[] = [
  { type: 'timeseries', label: 'Time series', signals: ['metrics', 'logs', 'traces', 'promql'] },
  { type: 'stat', label: 'Stat', signals: ['metrics', 'logs', 'traces', 'promql'] },
  { type: 'bar', label: 'Bar / top N', signals: ['metrics', 'logs', 'traces', 'promql'] },
  { type: 'logs', label: 'Log list', signals: ['logs'] },
  { type: 'traces', label: 'Trace list', signals: ['traces'] },
];
const MEASURES: { m: TraceMeasure; label: string }[] = [
  { m: 'rate', label: 'Requests per second' },
  { m: 'error_rate', label: 'Error rate (%)' },
  { m: 'p95', label: 'p95 duration' },
];

/** A copy of `o` without `key` (an optional field set back to "not set"). */
function omit<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

const defaultQuery = (signal: PanelQuery['signal']): PanelQuery =>
  signal === 'metrics'
    ? { signal, metric: '', aggregation: 'avg' }
    : signal === 'logs'
      ? { signal, q: '' }
      : signal === 'promql'
        ? { signal, expr: '' }
        : { signal, measure: 'rate' };

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
  const names = useApi('names', (signal) =>
    apiGet(MetricNamesResponse, '/metrics/names', { limit: 1000 }, signal),
  );
  const metrics = names.status === 'ok' ? names.data.metrics : [];
  const q = p.query;
  const setQuery = (next: PanelQuery) => setP({ ...p, query: next });
  const parsedThresholds = parseThresholds(thresholds);
  const signals = TYPES.find((t) => t.type === p.type)?.signals ?? [];
  const filterText =
    q.signal === 'metrics' && q.filters?.[0]?.value !== undefined
      ? `${q.filters[0].key}${q.filters[0].op === 'neq' ? '!=' : '='}${q.filters[0].value}`
      : '';
  const [filter, setFilter] = useState(filterText);
  const parsedFilter = parseFilter(filter);
  const ready =
    (q.signal !== 'metrics' || q.metric !== '') &&
    parsedThresholds !== null &&
    parsedFilter !== null;
  const unitOf = (name: string) => metrics.find((m) => m.name === name)?.unit ?? '';
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
              setP({
                ...p,
                type,
                query: allowed.includes(q.signal) ? q : defaultQuery(allowed[0]!),
              });
            }}
          >
            {TYPES.map((t) => (
              <option key={t.type} value={t.type}>
                {t.label}
              </option>
            ))}
          </select>
        </label>
        <label>
          Signal
          <select
            aria-label="Signal"
            value={q.signal}
            onChange={(e) => setQuery(defaultQuery(e.target.value as PanelQuery['signal']))}
          >
            {signals.map((s) => (
              <option key={s} value={s}>
                {s}
              </option>
            ))}
          </select>
        </label>
        {q.signal === 'metrics' && (
          <>
            <label>
              Metric
              <select
                aria-label="Metric"
                value={q.metric}
                onChange={(e) => {
                  const info = metrics.find((m) => m.name === e.target.value);
                  setQuery({ ...q, metric: e.target.value, aggregation: defaultAggregation(info) });
                }}
              >
                <option value="">— pick a metric —</option>
                {metrics.map((m) => (
                  <option key={m.name} value={m.name} title={m.description}>
                    {m.name}
                    {m.unit ? ` (${m.unit})` : ''}
                  </option>
                ))}
              </select>
            </label>
            {q.metric && (
              <div className="sub metric-info">
                Unit: {unitOf(q.metric) || 'none'}
                {metrics.find((m) => m.name === q.metric)?.description
                  ? ` — ${metrics.find((m) => m.name === q.metric)?.description}`
                  : ''}
              </div>
            )}
            <label>
              Aggregation
              <select
                aria-label="Aggregation"
                value={q.aggregation}
                onChange={(e) =>
                  setQuery({ ...q, aggregation: e.target.value as MetricAggregation })
                }
              >
                {AGGREGATIONS.map((a) => (
                  <option key={a}>{a}</option>
                ))}
              </select>
            </label>
            <label>
              Service
              <input
                aria-label="Metric service"
                placeholder="any, or $variable"
                value={q.service ?? ''}
                onChange={(e) => {
                  const rest = omit(q, 'service');
                  setQuery(e.target.value ? { ...rest, service: e.target.value } : rest);
                }}
              />
            </label>
            <label>
              Group by
              <input
                aria-label="Group by"
                value={q.groupBy?.[0] ?? ''}
                onChange={(e) => {
                  const rest = omit(q, 'groupBy');
                  setQuery(e.target.value ? { ...rest, groupBy: [e.target.value] } : rest);
                }}
              />
            </label>
            <label>
              Filter
              <input
                aria-label="Metric filter"
                placeholder="key=value or key!=value"
                value={filter}
                aria-invalid={parsedFilter === null}
                onChange={(e) => {
                  setFilter(e.target.value);
                  const f = parseFilter(e.target.value);
                  const rest = omit(q, 'filters');
                  if (f !== null) setQuery(f === 'none' ? rest : { ...rest, filters: [f] });
                }}
              />
            </label>
          </>
        )}
        {q.signal === 'promql' && (
          <label className="wide">
            PromQL
            <PromQLEditor
              label="PromQL expression"
              value={q.expr}
              placeholder='sum by (job) (rate(http_requests_total{job=~"$service"}[5m]))'
              onChange={(expr) => setQuery({ ...q, expr })}
            />
          </label>
        )}
        {q.signal === 'logs' && (
          <label>
            Search
            <input
              aria-label="Log search"
              placeholder="service:$service level:error"
              value={q.q}
              onChange={(e) => setQuery({ ...q, q: e.target.value })}
            />
          </label>
        )}
        {q.signal === 'traces' && (
          <>
            {p.type !== 'traces' && (
              <label>
                Measure
                <select
                  aria-label="Measure"
                  value={q.measure ?? 'rate'}
                  onChange={(e) => setQuery({ ...q, measure: e.target.value as TraceMeasure })}
                >
                  {MEASURES.map((m) => (
                    <option key={m.m} value={m.m}>
                      {m.label}
                    </option>
                  ))}
                </select>
              </label>
            )}
            {(['service', 'operation', 'q'] as const).map((field) => (
              <label key={field}>
                {field === 'q' ? 'Search' : field[0]!.toUpperCase() + field.slice(1)}
                <input
                  aria-label={`Trace ${field === 'q' ? 'search' : field}`}
                  value={q[field] ?? ''}
                  onChange={(e) => {
                    const rest = omit(q, field);
                    setQuery(e.target.value ? { ...rest, [field]: e.target.value } : rest);
                  }}
                />
              </label>
            ))}
          </>
        )}
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
