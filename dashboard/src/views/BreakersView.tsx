import {
  CircuitBreakersResponse,
  type CircuitBreakerSummary,
} from '@sightline/model/api/dependencies';
import { apiGet, useApi } from '../api.ts';
import { usePolling } from '../alerts/use-polling.ts';
import { formatMs, formatPercent, formatRate, quoteValue } from '../format.ts';
import { hrefTo, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import { Link } from '../components/Link.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { BreakerBadge } from '../services/BreakerBadge.tsx';

const REFRESH_MS = 5000;

/** Circle diameter in px: grows with the call rate on a log scale, 24–96. */
export function circleSize(requestRate: number, maxRate: number): number {
  if (maxRate <= 0 || requestRate <= 0) return 24;
  return Math.round(24 + (72 * Math.log1p(requestRate)) / Math.log1p(maxRate));
}

/** Green under 1 % errors, amber under 10 %, red above, and red whenever the breaker is open. */
export function healthColor(b: Pick<CircuitBreakerSummary, 'state' | 'errorRate'>): string {
  if (b.state === 'open') return 'var(--error)';
  const e = b.errorRate ?? 0;
  if (b.state === 'half-open' || e >= 0.1) return e >= 0.1 ? 'var(--error)' : 'var(--warn)';
  return e >= 0.01 ? 'var(--warn)' : 'var(--ok)';
}

/** Every breaker of every service, as in Hystrix's dashboard; refreshed every few seconds. */
export function BreakersView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const res = useApi(JSON.stringify(range), (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(CircuitBreakersResponse, '/circuit-breakers', { from, to }, signal);
  });
  usePolling(res.reload, REFRESH_MS);
  return (
    <section>
      <h1>Circuit breakers</h1>
      {res.status === 'loading' && <Loading what="circuit breakers" />}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {res.status === 'ok' && res.data.breakers.length === 0 && (
        <Empty title="No circuit breaker reported in this time range">
          Breakers made with the SDK&apos;s circuitBreaker() report circuit_breaker.state and
          circuit_breaker.calls.
        </Empty>
      )}
      {res.status === 'ok' && res.data.breakers.length > 0 && (
        <div className="breaker-grid" aria-label="Circuit breakers">
          {res.data.breakers.map((b) => {
            const max = Math.max(...res.data.breakers.map((x) => x.requestRate));
            const size = circleSize(b.requestRate, max);
            return (
              <article
                key={`${b.service} ${b.name}`}
                className="breaker-tile card"
                data-breaker={b.name}
              >
                <svg width={96} height={96} aria-hidden>
                  <circle cx={48} cy={48} r={size / 2} fill={healthColor(b)} opacity={0.75} />
                </svg>
                <h2>
                  <Link
                    href={hrefTo(
                      '/traces',
                      { service: b.service, q: `circuit_breaker.name:${quoteValue(b.name)}` },
                      loc.params,
                    )}
                  >
                    {b.name}
                  </Link>
                </h2>
                <p>
                  <Link
                    href={hrefTo(
                      `/services/${encodeURIComponent(b.service)}`,
                      { tab: 'dependencies' },
                      loc.params,
                    )}
                  >
                    {b.service}
                  </Link>
                </p>
                <BreakerBadge state={b.state} />
                <dl>
                  <dt>Calls</dt>
                  <dd>{formatRate(b.requestRate)}</dd>
                  <dt>Errors</dt>
                  <dd>{formatPercent(b.errorRate)}</dd>
                  <dt>Open for</dt>
                  <dd>{formatMs(b.openSeconds * 1000)}</dd>
                </dl>
              </article>
            );
          })}
        </div>
      )}
    </section>
  );
}
