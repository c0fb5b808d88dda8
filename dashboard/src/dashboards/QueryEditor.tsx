import { useState } from 'react';
import type { PanelQuery, PanelType, TraceMeasure } from '@sightline/model/api/dashboards';
import type { MetricAggregation, MetricInfo } from '@sightline/model/api/metrics';
import { AGGREGATIONS, defaultAggregation, parseFilter } from '../metrics/metric-queries.ts';
import { PromQLEditor } from '../promql/PromQLEditor.tsx';

const MEASURES: { m: TraceMeasure; label: string }[] = [
  { m: 'rate', label: 'Requests per second' },
  { m: 'error_rate', label: 'Error rate (%)' },
  { m: 'p95', label: 'p95 duration' },
];

/** A copy of `o` without `key` (an optional field set back to "not set"). */
export function omit<T extends object, K extends keyof T>(o: T, key: K): Omit<T, K> {
  const copy = { ...o };
  delete copy[key];
  return copy;
}

export const defaultQuery = (signal: PanelQuery['signal']): PanelQuery =>
  signal === 'metrics'
    ? { signal, metric: '', aggregation: 'avg' }
    : signal === 'logs'
      ? { signal, q: '' }
      : signal === 'promql'
        ? { signal, expr: '' }
        : { signal, measure: 'rate' };

const filterText = (q: PanelQuery) =>
  q.signal === 'metrics' && q.filters?.[0]?.value !== undefined
    ? `${q.filters[0].key}${q.filters[0].op === 'neq' ? '!=' : '='}${q.filters[0].value}`
    : '';

interface Props {
  readonly query: PanelQuery;
  /** The panel's type: which signals it shows, and whether a trace query is a measure. */
  readonly type: PanelType;
  readonly signals: readonly PanelQuery['signal'][];
  readonly metrics: readonly MetricInfo[];
  /** `valid` is false while a field holds text that is not yet a query (a half-typed filter). */
  readonly onChange: (q: PanelQuery, valid: boolean) => void;
  /** Labels fields `… 2` for the second query and on, so each has its own accessible name. */
  readonly suffix: string;
}

/** The fields of one query of a panel: its signal and what to ask of it. */
export function QueryEditor({ query: q, type, signals, metrics, onChange, suffix }: Props) {
  const [filter, setFilter] = useState(filterText(q));
  const set = (next: PanelQuery) => onChange(next, parseFilter(filter) !== null);
  const name = (label: string) => `${label}${suffix}`;
  const info = q.signal === 'metrics' ? metrics.find((m) => m.name === q.metric) : undefined;
  return (
    <>
      <label>
        Signal
        <select
          aria-label={name('Signal')}
          value={q.signal}
          onChange={(e) => {
            setFilter('');
            const next = defaultQuery(e.target.value as PanelQuery['signal']);
            onChange(q.axis ? { ...next, axis: q.axis } : next, true);
          }}
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
              aria-label={name('Metric')}
              value={q.metric}
              onChange={(e) => {
                const m = metrics.find((x) => x.name === e.target.value);
                set({ ...q, metric: e.target.value, aggregation: defaultAggregation(m) });
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
              Unit: {info?.unit || 'none'}
              {info?.description ? ` — ${info.description}` : ''}
            </div>
          )}
          <label>
            Aggregation
            <select
              aria-label={name('Aggregation')}
              value={q.aggregation}
              onChange={(e) => set({ ...q, aggregation: e.target.value as MetricAggregation })}
            >
              {AGGREGATIONS.map((a) => (
                <option key={a}>{a}</option>
              ))}
            </select>
          </label>
          <label>
            Service
            <input
              aria-label={name('Metric service')}
              placeholder="any, or $variable"
              value={q.service ?? ''}
              onChange={(e) => {
                const rest = omit(q, 'service');
                set(e.target.value ? { ...rest, service: e.target.value } : rest);
              }}
            />
          </label>
          <label>
            Group by
            <input
              aria-label={name('Group by')}
              value={q.groupBy?.[0] ?? ''}
              onChange={(e) => {
                const rest = omit(q, 'groupBy');
                set(e.target.value ? { ...rest, groupBy: [e.target.value] } : rest);
              }}
            />
          </label>
          <label>
            Filter
            <input
              aria-label={name('Metric filter')}
              placeholder="key=value or key!=value"
              value={filter}
              aria-invalid={parseFilter(filter) === null}
              onChange={(e) => {
                setFilter(e.target.value);
                const f = parseFilter(e.target.value);
                const rest = omit(q, 'filters');
                if (f === null) onChange(q, false);
                else onChange(f === 'none' ? rest : { ...rest, filters: [f] }, true);
              }}
            />
          </label>
        </>
      )}
      {q.signal === 'promql' && (
        <label className="wide">
          PromQL
          <PromQLEditor
            label={name('PromQL expression')}
            value={q.expr}
            placeholder='sum by (job) (rate(http_requests_total{job=~"$service"}[5m]))'
            onChange={(expr) => set({ ...q, expr })}
          />
        </label>
      )}
      {q.signal === 'logs' && (
        <label>
          Search
          <input
            aria-label={name('Log search')}
            placeholder="service:$service level:error"
            value={q.q}
            onChange={(e) => set({ ...q, q: e.target.value })}
          />
        </label>
      )}
      {q.signal === 'traces' && (
        <>
          {type !== 'traces' && (
            <label>
              Measure
              <select
                aria-label={name('Measure')}
                value={q.measure ?? 'rate'}
                onChange={(e) => set({ ...q, measure: e.target.value as TraceMeasure })}
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
                aria-label={name(`Trace ${field === 'q' ? 'search' : field}`)}
                value={q[field] ?? ''}
                onChange={(e) => {
                  const rest = omit(q, field);
                  set(e.target.value ? { ...rest, [field]: e.target.value } : rest);
                }}
              />
            </label>
          ))}
        </>
      )}
    </>
  );
}
