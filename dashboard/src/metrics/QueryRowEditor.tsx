import { useState } from 'react';
import { MetricAttributesResponse, type MetricInfo } from '@sightline/model/api/metrics';
import { apiGet, useApi } from '../api.ts';
import { AGGREGATIONS, defaultAggregation, parseFilter, type QueryRow } from './metric-queries.ts';

interface Props {
  readonly index: number;
  readonly row: QueryRow;
  readonly metrics: readonly MetricInfo[];
  readonly from: number;
  readonly to: number;
  readonly color: string;
  readonly onChange: (row: QueryRow) => void;
  readonly onRemove: (() => void) | null;
}

/** One query of the chart: metric, aggregation, group-by key and an optional filter. */
export function QueryRowEditor({
  index,
  row,
  metrics,
  from,
  to,
  color,
  onChange,
  onRemove,
}: Props) {
  const info = metrics.find((m) => m.name === row.metric);
  const [filter, setFilter] = useState(row.filter);
  const keys = useApi(row.metric ? JSON.stringify([row.metric, from, to]) : null, (signal) =>
    apiGet(
      MetricAttributesResponse,
      `/metrics/${encodeURIComponent(row.metric)}/attributes`,
      { from, to },
      signal,
    ),
  );
  const badFilter = parseFilter(filter) === null;
  const n = index + 1;
  return (
    <div className="query-row" data-row={index}>
      <span className="query-letter" style={{ background: color }}>
        {String.fromCharCode(65 + (index % 26))}
      </span>
      <select
        aria-label={`Metric ${n}`}
        value={row.metric}
        onChange={(e) => onChange({ ...row, metric: e.target.value, agg: null, by: '' })}
      >
        <option value="">pick a metric…</option>
        {metrics.map((m) => (
          <option key={`${m.name}-${m.type}`} value={m.name}>
            {m.name}
          </option>
        ))}
        {row.metric && !info && <option value={row.metric}>{row.metric}</option>}
      </select>
      <select
        aria-label={`Aggregation ${n}`}
        value={row.agg ?? defaultAggregation(info)}
        onChange={(e) => {
          const agg = AGGREGATIONS.find((a) => a === e.target.value) ?? null;
          onChange({ ...row, agg });
        }}
      >
        {AGGREGATIONS.map((a) => (
          <option key={a}>{a}</option>
        ))}
      </select>
      <select
        aria-label={`Group by ${n}`}
        value={row.by}
        onChange={(e) => onChange({ ...row, by: e.target.value })}
      >
        <option value="">no grouping</option>
        <option value="service.name">service.name</option>
        {keys.status === 'ok' &&
          (keys.data.keys ?? [])
            .filter((k) => k.key !== 'service.name')
            .map((k) => (
              <option key={k.key} value={k.key}>
                {k.key}
              </option>
            ))}
        {row.by && keys.status !== 'ok' && <option value={row.by}>{row.by}</option>}
      </select>
      <form
        onSubmit={(e) => {
          e.preventDefault();
          if (!badFilter) onChange({ ...row, filter: filter.trim() });
        }}
      >
        <input
          aria-label={`Filter ${n}`}
          aria-invalid={badFilter}
          placeholder="key=value or key!=value"
          value={filter}
          onChange={(e) => setFilter(e.target.value)}
          onBlur={() => {
            if (!badFilter && filter.trim() !== row.filter)
              onChange({ ...row, filter: filter.trim() });
          }}
        />
      </form>
      {onRemove && (
        <button type="button" aria-label={`Remove query ${n}`} onClick={onRemove}>
          ✕
        </button>
      )}
      {badFilter && <span className="field-error">Filters look like queue=a or queue!=a.</span>}
    </div>
  );
}
