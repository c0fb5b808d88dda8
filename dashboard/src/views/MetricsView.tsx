import {
  CartesianGrid,
  Legend,
  Line,
  LineChart,
  ResponsiveContainer,
  Tooltip,
  XAxis,
  YAxis,
} from 'recharts';
import {
  MetricAttributesResponse,
  MetricNamesResponse,
  MetricsQueryResponse,
  type MetricAggregation,
  type MetricInfo,
} from '@sightline/model/api/metrics';
import { apiGet, apiPost, useApi } from '../api.ts';
import { formatTick, formatTime, serviceColor } from '../format.ts';
import { navigate, withParams, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';

const AGGREGATIONS: readonly MetricAggregation[] = [
  'avg',
  'sum',
  'min',
  'max',
  'count',
  'rate',
  'increase',
  'p50',
  'p90',
  'p95',
  'p99',
];

/** What most people want first from each kind of metric. */
function defaultAggregation(m: MetricInfo): MetricAggregation {
  if (m.type === 'sum') return m.monotonic ? 'rate' : 'sum';
  if (m.type === 'histogram' || m.type === 'exponential_histogram' || m.type === 'summary')
    return 'p95';
  return 'avg';
}

export function MetricsView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const selected = loc.params.get('metric');
  const names = useApi(JSON.stringify(range), (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(MetricNamesResponse, '/metrics/names', { from, to }, signal);
  });
  const info =
    names.status === 'ok' ? names.data.metrics.find((m) => m.name === selected) : undefined;
  return (
    <section>
      <h1>Metrics</h1>
      {names.status === 'loading' && <Loading what="metric names" />}
      {names.status === 'error' && <ErrorPanel error={names.error} retry={names.reload} />}
      {names.status === 'ok' && names.data.metrics.length === 0 && (
        <Empty title="No metrics in this time range">
          Widen the time range, or send metrics over OTLP (POST /v1/metrics on port 4318).
        </Empty>
      )}
      {names.status === 'ok' && names.data.metrics.length > 0 && (
        <div className="metrics-layout">
          <ul className="metric-list card" aria-label="Metrics">
            {names.data.metrics.map((m) => (
              <li key={`${m.name}-${m.type}`}>
                <button
                  type="button"
                  className={m.name === selected ? 'active' : undefined}
                  title={m.description}
                  onClick={() => navigate(withParams(loc, { metric: m.name, agg: null, by: null }))}
                >
                  <span className="mono">{m.name}</span>
                  <span className="sub">
                    {m.type}
                    {m.unit ? ` · ${m.unit}` : ''}
                  </span>
                </button>
              </li>
            ))}
          </ul>
          {info ? (
            <MetricChart key={info.name} loc={loc} range={range} info={info} />
          ) : (
            <Empty title="Pick a metric">Choose one on the left to chart it.</Empty>
          )}
        </div>
      )}
    </section>
  );
}

function MetricChart({
  loc,
  range,
  info,
}: {
  loc: AppLocation;
  range: TimeRange;
  info: MetricInfo;
}) {
  const aggParam = loc.params.get('agg');
  const agg = AGGREGATIONS.find((a) => a === aggParam) ?? defaultAggregation(info);
  const by = loc.params.get('by') ?? '';
  const keys = useApi(JSON.stringify([info.name, range]), (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(
      MetricAttributesResponse,
      `/metrics/${encodeURIComponent(info.name)}/attributes`,
      { from, to },
      signal,
    );
  });
  const res = useApi(JSON.stringify([info.name, agg, by, range]), (signal) => {
    const { from, to } = resolveRange(range);
    return apiPost(
      MetricsQueryResponse,
      '/metrics/query',
      {
        from: String(from),
        to: String(to),
        queries: [{ metric: info.name, aggregation: agg, ...(by ? { groupBy: [by] } : {}) }],
      },
      signal,
    );
  });
  const result = res.status === 'ok' ? res.data.results[0] : undefined;
  const series = result?.series ?? [];
  const rows = new Map<number, Record<string, number | null>>();
  series.forEach((s, i) => {
    for (const [t, v] of s.points) {
      const row = rows.get(t) ?? { t };
      row[`s${i}`] = v;
      rows.set(t, row);
    }
  });
  const data = [...rows.values()].sort((a, b) => (a.t ?? 0) - (b.t ?? 0));
  const label = (labels: Record<string, string>) => Object.values(labels).join(', ') || info.name;
  const span = result ? result.to - result.from : 1;
  return (
    <div className="card metric-chart">
      <div className="filters">
        <h2 className="mono">{info.name}</h2>
        <label>
          Aggregation
          <select
            aria-label="Aggregation"
            value={agg}
            onChange={(e) => navigate(withParams(loc, { agg: e.target.value }))}
          >
            {AGGREGATIONS.map((a) => (
              <option key={a}>{a}</option>
            ))}
          </select>
        </label>
        <label>
          Group by
          <select
            aria-label="Group by"
            value={by}
            onChange={(e) => navigate(withParams(loc, { by: e.target.value || null }))}
          >
            <option value="">nothing</option>
            <option value="service.name">service.name</option>
            {keys.status === 'ok' &&
              (keys.data.keys ?? []).map((k) => (
                <option key={k.key} value={k.key}>
                  {k.key}
                </option>
              ))}
          </select>
        </label>
      </div>
      {info.description && <p className="hint">{info.description}</p>}
      {res.status === 'loading' && <Loading what={info.name} />}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {res.status === 'ok' && series.length === 0 && (
        <Empty title="No data points for this query">
          Try another aggregation, or widen the time range.
        </Empty>
      )}
      {res.status === 'ok' && series.length > 0 && result && (
        <ResponsiveContainer width="100%" height={320}>
          <LineChart data={data} margin={{ top: 8, right: 16, bottom: 0, left: 0 }}>
            <CartesianGrid stroke="var(--grid)" vertical={false} />
            <XAxis
              dataKey="t"
              type="number"
              domain={[result.from, result.to]}
              tickFormatter={(t: number) => formatTick(t, span)}
              stroke="var(--muted)"
              fontSize={11}
            />
            <YAxis width={70} stroke="var(--muted)" fontSize={11} />
            <Tooltip
              labelFormatter={(t) => formatTime(Number(t), true)}
              contentStyle={{ background: 'var(--panel)', border: '1px solid var(--border)' }}
            />
            {series.length > 1 && <Legend wrapperStyle={{ fontSize: 11 }} />}
            {series.map((s, i) => (
              <Line
                key={i}
                type="linear"
                dataKey={`s${i}`}
                name={label(s.labels)}
                stroke={series.length > 1 ? serviceColor(label(s.labels)) : 'var(--accent)'}
                strokeWidth={1.5}
                dot={s.points.filter(([, v]) => v !== null).length <= 20 ? { r: 2 } : false}
                isAnimationActive={false}
                // Gauges are samples: a step without one is not a gap in what was measured.
                connectNulls
              />
            ))}
          </LineChart>
        </ResponsiveContainer>
      )}
      {result?.truncated && (
        <p className="hint">More series matched than shown: group by fewer keys.</p>
      )}
    </div>
  );
}
