import { ServiceDependenciesResponse, type Dependency } from '@sightline/model/api/dependencies';
import { apiGet, useApi } from '../api.ts';
import { formatMs, formatPercent, formatRate, quoteValue } from '../format.ts';
import { hrefTo, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import { Sparkline } from '../components/Charts.tsx';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { BreakerBadge } from './BreakerBadge.tsx';

interface Props {
  readonly loc: AppLocation;
  readonly range: TimeRange;
  readonly service: string;
}

const KIND_LABELS: Record<Dependency['kind'], string> = {
  service: 'Service',
  database: 'Database',
  cache: 'Cache',
  messaging: 'Messaging',
  circuit_breaker: 'Breaker',
};

/** The search (trace list) for the calls this service made to `d`. */
export function dependencySearch(d: Dependency): string {
  const [host, port] = (d.address ?? '').split(':');
  const at = [
    host ? `server.address:${quoteValue(host)}` : '',
    port ? `server.port:${quoteValue(port)}` : '',
  ];
  switch (d.kind) {
    case 'database':
    case 'cache':
      return [`db.system.name:${quoteValue(d.system ?? '')}`, ...at].filter(Boolean).join(' ');
    case 'messaging':
      return `messaging.system:${quoteValue(d.system ?? '')}`;
    case 'circuit_breaker':
      return `circuit_breaker.name:${quoteValue(d.name)}`;
    case 'service':
      return at.filter(Boolean).join(' ');
  }
}

/** The service's dependencies, worst first (the API's order), each linking to its calls' traces. */
export function DependenciesPanel({ loc, range, service }: Props) {
  const res = useApi(JSON.stringify([range, service]), (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(
      ServiceDependenciesResponse,
      `/services/${encodeURIComponent(service)}/dependencies`,
      { from, to },
      signal,
    );
  });
  if (res.status === 'loading') return <Loading what={`dependencies of ${service}`} />;
  if (res.status === 'error') return <ErrorPanel error={res.error} retry={res.reload} />;
  if (res.data.dependencies.length === 0) {
    return (
      <Empty title={`${service} made no client calls in this time range`}>
        Dependencies come from client spans (HTTP, databases, caches, messaging) and circuit breaker
        metrics.
      </Empty>
    );
  }
  return (
    <table className="grid dependencies" aria-label="Dependencies">
      <thead>
        <tr>
          <th>Dependency</th>
          <th>Kind</th>
          <th>State</th>
          <th className="num">Rate</th>
          <th />
          <th className="num">Errors</th>
          <th />
          <th className="num">p50</th>
          <th className="num">p95</th>
          <th className="num">p99</th>
          <th />
        </tr>
      </thead>
      <tbody>
        {res.data.dependencies.map((d) => (
          <tr key={`${d.kind} ${d.name}`} data-kind={d.kind}>
            <td>
              <Link href={hrefTo('/traces', { service, q: dependencySearch(d) }, loc.params)}>
                {d.name}
              </Link>
            </td>
            <td>{KIND_LABELS[d.kind]}</td>
            <td>{d.breaker ? <BreakerBadge state={d.breaker.state} /> : null}</td>
            <td className="num">{formatRate(d.requestRate)}</td>
            <td>
              <Sparkline points={d.series.rate} color="var(--accent)" label={`${d.name} rate`} />
            </td>
            <td className={`num${d.errors > 0 ? ' bad' : ''}`}>{formatPercent(d.errorRate)}</td>
            <td>
              <Sparkline
                points={d.series.errorRate}
                color="var(--error)"
                label={`${d.name} error rate`}
              />
            </td>
            <td className="num">{formatMs(d.p50Ms)}</td>
            <td className="num">{formatMs(d.p95Ms)}</td>
            <td className="num">{formatMs(d.p99Ms)}</td>
            <td>
              {d.kind !== 'circuit_breaker' ? (
                <Sparkline points={d.series.p95Ms} color="var(--latency)" label={`${d.name} p95`} />
              ) : (
                d.breaker && (
                  <span className="breaker-state-cell">
                    <Sparkline
                      points={d.breaker.stateSeries}
                      color="var(--error)"
                      label={`${d.name} state (0 closed, 1 half-open, 2 open)`}
                      steps={{ max: 2 }}
                    />
                    open {formatMs(d.breaker.openSeconds * 1000)}
                  </span>
                )
              )}
            </td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}
