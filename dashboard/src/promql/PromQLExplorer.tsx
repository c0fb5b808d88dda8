import { useState } from 'react';
import { useApi } from '../api.ts';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { MetricChart } from '../metrics/MetricChart.tsx';
import type { ChartMode } from '../metrics/metric-queries.ts';
import { autoStepSeconds, queryRange, stepSeconds } from './promql-api.ts';
import { PromQLEditor } from './PromQLEditor.tsx';
import { promSeries } from './promql-series.ts';

interface Props {
  /** The expression in the URL: what the chart shows. */
  readonly expr: string;
  readonly onRun: (expr: string) => void;
  readonly bounds: { readonly from: number; readonly to: number };
  /** The explorer's step choice (`10s`, `1m`…); undefined: about 250 points. */
  readonly step: string | undefined;
  readonly mode: ChartMode;
}

/** The metrics explorer's PromQL mode: the editor, then the expression's range query as a chart. */
export function PromQLExplorer({ expr, onRun, bounds, step, mode }: Props) {
  const [draft, setDraft] = useState(expr);
  const stepS = stepSeconds(step) ?? autoStepSeconds(bounds.from, bounds.to);
  const res = useApi(expr.trim() === '' ? null : JSON.stringify([expr, bounds, stepS]), (signal) =>
    queryRange(expr, bounds.from, bounds.to, stepS, signal),
  );
  const series = res.status === 'ok' ? promSeries(expr, res.data, res.data) : [];
  return (
    <div className="promql-explorer">
      <div className="promql-query">
        <PromQLEditor
          label="PromQL query"
          value={draft}
          onChange={setDraft}
          onRun={onRun}
          placeholder="sum by (job) (rate(http_server_duration_seconds_count[5m]))"
        />
        <button type="button" className="primary" onClick={() => onRun(draft)}>
          Run query
        </button>
      </div>
      {expr.trim() === '' && (
        <Empty title="Type a PromQL query">
          Metric names, labels and values complete as you type; Enter runs it.
        </Empty>
      )}
      {expr.trim() !== '' && res.status === 'loading' && <Loading what="the chart" />}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {res.status === 'ok' && series.length === 0 && (
        <Empty title="The query returned no series">
          Widen the time range, or check the labels.
        </Empty>
      )}
      {res.status === 'ok' && series.length > 0 && (
        <MetricChart series={series} mode={mode} from={res.data.start} to={res.data.end} />
      )}
      {res.status === 'ok' &&
        (res.data.warnings ?? []).map((w) => (
          <p key={w} className="hint">
            {w}
          </p>
        ))}
    </div>
  );
}
