import {
  ServiceMapResponse,
  ServiceRedResponse,
  type ServiceMapEdge,
} from '@sightline/model/api/services';
import { apiGet, useApi } from '../api.ts';
import { formatMs, formatPercent, formatRate } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import { hrefTo, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import type { SeriesPoint } from '@sightline/model/api/metrics';
import { UnitChart } from '../components/UnitChart.tsx';
import { AddToDashboard } from '../dashboards/AddToDashboard.tsx';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { DependenciesPanel } from '../services/DependenciesPanel.tsx';

interface Props {
  readonly loc: AppLocation;
  readonly range: TimeRange;
  readonly service: string;
}

export function ServiceView({ loc, range, service }: Props) {
  const dependencies = loc.params.get('tab') === 'dependencies';
  const key = dependencies ? null : JSON.stringify([range, service]);
  const res = useApi(key, (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(
      ServiceRedResponse,
      `/services/${encodeURIComponent(service)}/red`,
      { from, to },
      signal,
    );
  });
  return (
    <section>
      <p className="crumbs">
        <Link href={hrefTo('/services', {}, loc.params)}>Services</Link> /
      </p>
      <h1>
        <span className="swatch" style={{ background: serviceColor(service) }} />
        {service}
        <AddToDashboard
          panel={{
            title: `${service} p95 duration`,
            type: 'timeseries',
            queries: [{ signal: 'traces', service, measure: 'p95' }],
            options: {},
          }}
        />
        <Link className="button" href={hrefTo('/traces', { service }, loc.params)}>
          Traces
        </Link>
        <Link className="button" href={hrefTo('/logs', { q: `service:"${service}"` }, loc.params)}>
          Logs
        </Link>
      </h1>
      <nav className="service-tabs" aria-label="Service views">
        <Link
          href={hrefTo(`/services/${encodeURIComponent(service)}`, { tab: null }, loc.params)}
          aria-current={dependencies ? undefined : 'page'}
        >
          Operations
        </Link>
        <Link
          href={hrefTo(
            `/services/${encodeURIComponent(service)}`,
            { tab: 'dependencies' },
            loc.params,
          )}
          aria-current={dependencies ? 'page' : undefined}
        >
          Dependencies
        </Link>
      </nav>
      {dependencies && <DependenciesPanel loc={loc} range={range} service={service} />}
      {!dependencies && <Calls loc={loc} range={range} service={service} />}
      {!dependencies && res.status === 'loading' && <Loading what={`operations of ${service}`} />}
      {!dependencies && res.status === 'error' && (
        <ErrorPanel error={res.error} retry={res.reload} />
      )}
      {!dependencies && res.status === 'ok' && res.data.operations.length === 0 && (
        <Empty title={`${service} has no spans in this time range`}>
          Widen the time range above.
        </Empty>
      )}
      {!dependencies &&
        res.status === 'ok' &&
        res.data.operations.map((op) => {
          return (
            <article key={op.operation} className="operation card">
              <header>
                <h2>
                  <Link href={hrefTo('/traces', { service, operation: op.operation }, loc.params)}>
                    {op.operation}
                  </Link>
                </h2>
                <span>
                  {op.requests} requests · {formatRate(op.requestRate)} · errors{' '}
                  {formatPercent(op.errorRate)} · p50 {formatMs(op.p50Ms)} · p95{' '}
                  {formatMs(op.p95Ms)} · p99 {formatMs(op.p99Ms)}
                </span>
              </header>
              <div className="chart-row">
                {RED_CHARTS.map((c) => (
                  <RedChart key={c.series} {...c} points={op.series[c.series]} window={res.data} />
                ))}
              </div>
            </article>
          );
        })}
    </section>
  );
}

/** The service page's three charts of an operation: which series, titled how, in what unit. */
const RED_CHARTS = [
  { title: 'Rate', series: 'rate', name: 'requests', unit: '{requests}/s' },
  { title: 'Error rate', series: 'errorRate', name: 'errors', unit: '1' },
  { title: 'p95 duration', series: 'p95Ms', name: 'p95', unit: 'ms' },
] as const;

interface RedChartProps {
  readonly title: string;
  readonly name: string;
  readonly unit: string;
  readonly points: readonly SeriesPoint[];
  /** The response's range and step (ms): a last step still filling is drawn dashed. */
  readonly window: { readonly from: number; readonly to: number; readonly step: number };
}

/** One RED series of an operation on the shared unit chart: round ticks, ratios within 0–100 %. */
function RedChart({ title, name, unit, points, window: w }: RedChartProps) {
  return (
    <figure className="series-chart">
      <figcaption>{title}</figcaption>
      <UnitChart
        series={[{ name, points }]}
        unit={unit}
        from={w.from}
        to={w.to}
        step={w.step}
        height={140}
      />
    </figure>
  );
}

/** Who calls this service and whom it calls, from the service map. */
function Calls({ loc, range, service }: Props) {
  const map = useApi(JSON.stringify(range), (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(ServiceMapResponse, '/services/map', { from, to }, signal);
  });
  if (map.status !== 'ok') return null;
  const callers = map.data.edges.filter((e) => e.callee === service && e.caller !== service);
  // Databases and caches are on the Dependencies tab, with their own figures.
  const callees = map.data.edges.filter(
    (e) => e.caller === service && e.callee !== service && e.calleeKind === 'service',
  );
  if (callers.length === 0 && callees.length === 0) return null;
  const row = (e: ServiceMapEdge, other: string) => (
    <tr key={other}>
      <td>
        <span className="swatch" style={{ background: serviceColor(other) }} />
        <Link href={hrefTo(`/services/${encodeURIComponent(other)}`, {}, loc.params)}>{other}</Link>
      </td>
      <td className="num">{e.calls}</td>
      <td className={`num${e.errors > 0 ? ' bad' : ''}`}>{formatPercent(e.errorRate)}</td>
      <td className="num">{formatMs(e.p95Ms)}</td>
    </tr>
  );
  const table = (title: string, edges: ServiceMapEdge[], other: (e: ServiceMapEdge) => string) => (
    <table className="grid calls" aria-label={title}>
      <thead>
        <tr>
          <th>{title}</th>
          <th className="num">Calls</th>
          <th className="num">Errors</th>
          <th className="num">p95</th>
        </tr>
      </thead>
      <tbody>{edges.map((e) => row(e, other(e)))}</tbody>
    </table>
  );
  return (
    <div className="calls-row">
      {callers.length > 0 && table('Called by', callers, (e) => e.caller)}
      {callees.length > 0 && table('Calls', callees, (e) => e.callee)}
    </div>
  );
}
