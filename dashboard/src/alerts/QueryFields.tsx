import type { AlertQuery } from '@sightline/model/api/alerts';
import { MetricNamesResponse } from '@sightline/model/api/metrics';
import { apiGet, useApi } from '../api.ts';
import { AGGREGATIONS } from '../metrics/metric-queries.ts';
import { PromQLEditor } from '../promql/PromQLEditor.tsx';
import { OperationPicker, ServicePicker } from './DataPickers.tsx';
import { Field, type FieldErrors } from './Field.tsx';
import type { RuleDraft } from './rule-draft.ts';
import { SearchField } from './SearchField.tsx';

interface Props {
  readonly draft: RuleDraft;
  readonly errors: FieldErrors;
  readonly set: (patch: Partial<RuleDraft>) => void;
}

const KINDS: readonly { kind: AlertQuery['kind']; label: string }[] = [
  { kind: 'trace_red', label: 'Trace RED (rate, errors, latency)' },
  { kind: 'log_count', label: 'Log search count' },
  { kind: 'metric', label: 'Metric query' },
  { kind: 'promql', label: 'PromQL expression' },
];

function MetricNames() {
  // Names seen in the last day, as suggestions; any name can still be typed.
  const names = useApi('alert-metric-names', (signal) => {
    const to = Date.now();
    return apiGet(MetricNamesResponse, '/metrics/names', { from: to - 86_400_000, to }, signal);
  });
  return (
    <datalist id="alert-metric-names">
      {names.status === 'ok' &&
        names.data.metrics.map((m) => <option key={`${m.name}-${m.type}`} value={m.name} />)}
    </datalist>
  );
}

/** The query part of a rule; its fields depend on the kind of query. */
export function QueryFields({ draft, errors, set }: Props) {
  return (
    <>
      <Field label="Query kind" field="query" errors={errors}>
        <select
          value={draft.kind}
          onChange={(e) => set({ kind: e.target.value as AlertQuery['kind'] })}
        >
          {KINDS.map((k) => (
            <option key={k.kind} value={k.kind}>
              {k.label}
            </option>
          ))}
        </select>
      </Field>
      {draft.kind === 'log_count' && (
        <Field
          label="Log search"
          field="query.q"
          errors={errors}
          wide
          hint="Counts matching log records in the window, e.g. service:checkout level:error"
        >
          <SearchField
            label="Log search"
            value={draft.q}
            placeholder="level:error"
            onChange={(q) => set({ q })}
          />
        </Field>
      )}
      {draft.kind === 'trace_red' && (
        <>
          <Field label="Measure" field="query.measure" errors={errors}>
            <select
              value={draft.measure}
              onChange={(e) => set({ measure: e.target.value as RuleDraft['measure'] })}
            >
              <option value="error_rate">error rate (%)</option>
              <option value="latency">latency percentile (ms)</option>
              <option value="rate">request rate (/s)</option>
            </select>
          </Field>
          {draft.measure === 'latency' && (
            <Field label="Percentile" field="query.percentile" errors={errors}>
              <select
                value={draft.percentile}
                onChange={(e) => set({ percentile: e.target.value as RuleDraft['percentile'] })}
              >
                <option value="p50">p50</option>
                <option value="p95">p95</option>
                <option value="p99">p99</option>
              </select>
            </Field>
          )}
          <Field label="Service" field="query.service" errors={errors}>
            <ServicePicker
              signal="traces"
              value={draft.service}
              onChange={(service) => set({ service, operation: '' })}
            />
          </Field>
          <Field label="Operation" field="query.operation" errors={errors}>
            <OperationPicker
              service={draft.service}
              value={draft.operation}
              onChange={(operation) => set({ operation })}
            />
          </Field>
          <Field label="Span filter" field="query.q" errors={errors} wide>
            <SearchField
              label="Span filter"
              value={draft.q}
              placeholder="http.route:/pay (optional)"
              onChange={(q) => set({ q })}
            />
          </Field>
        </>
      )}
      {draft.kind === 'metric' && (
        <>
          <Field label="Metric" field="query.metric" errors={errors}>
            <input
              list="alert-metric-names"
              value={draft.metric}
              placeholder="http.server.duration"
              onChange={(e) => set({ metric: e.target.value })}
            />
            <MetricNames />
          </Field>
          <Field label="Aggregation" field="query.aggregation" errors={errors}>
            <select
              value={draft.aggregation}
              onChange={(e) => set({ aggregation: e.target.value as RuleDraft['aggregation'] })}
            >
              {AGGREGATIONS.map((a) => (
                <option key={a} value={a}>
                  {a}
                </option>
              ))}
            </select>
          </Field>
          <Field label="Window reduced by" field="query.reduce" errors={errors}>
            <select
              value={draft.reduce}
              onChange={(e) => set({ reduce: e.target.value as RuleDraft['reduce'] })}
            >
              <option value="">avg (default)</option>
              <option value="last">last</option>
              <option value="min">min</option>
              <option value="max">max</option>
              <option value="sum">sum</option>
            </select>
          </Field>
          <Field label="Service" field="query.service" errors={errors}>
            <ServicePicker
              signal="metrics"
              value={draft.service}
              onChange={(service) => set({ service })}
            />
          </Field>
          <Field
            label="Filters"
            field="query.filters"
            errors={errors}
            hint="One key=value or key!=value a line"
          >
            <textarea
              rows={2}
              value={draft.filters}
              onChange={(e) => set({ filters: e.target.value })}
            />
          </Field>
        </>
      )}
      {draft.kind === 'promql' && (
        <Field
          label="PromQL expression"
          field="query.expr"
          errors={errors}
          wide
          hint="Each series it returns is one alert with its labels, e.g. rate(http_requests_total[5m]) > 1"
        >
          <PromQLEditor
            label="PromQL expression"
            value={draft.expr}
            placeholder="up == 0"
            onChange={(expr) => set({ expr })}
          />
        </Field>
      )}
    </>
  );
}
