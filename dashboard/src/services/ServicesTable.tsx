import type { ServiceRed, ServicesOverviewResponse } from '@sightline/model/api/services';
import { formatMs, formatPercent, formatRate, formatTime } from '../format.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';
import { serviceColor } from '../service-colors.ts';
import { Sparkline } from '../components/Charts.tsx';
import { Link } from '../components/Link.tsx';
import { currentRate, readSort, sortRows, writeSort, type SortKey } from './services-table.ts';

/** A step as people say it: 1 min, 30 s, 2 h. */
function stepText(ms: number): string {
  if (ms % 3_600_000 === 0) return `${ms / 3_600_000} h`;
  if (ms % 60_000 === 0) return `${ms / 60_000} min`;
  return `${Math.round(ms / 1000)} s`;
}

/**
 * The Services table: the window's average rate beside the current one (the last complete
 * sparkline step), sparklines under headers that name their unit, and columns sorted by a click
 * (kept in the URL as `sort`).
 */
export function ServicesTable({
  loc,
  overview,
}: {
  loc: AppLocation;
  overview: ServicesOverviewResponse;
}) {
  const now = Date.now();
  const sort = readSort(loc.params.get('sort'));
  const rows = overview.services.map((s) => {
    const current = currentRate(s.series.rate, overview.step, Math.min(now, overview.to));
    return { ...s, now: current?.perSecond ?? null, current };
  });
  const bucket = rows.find((r) => r.current)?.current;
  const step = stepText(overview.step);
  const spark = (points: ServiceRed['series']['rate'], color: string, label: string) => (
    <td>
      <Sparkline points={points} color={color} label={label} />
    </td>
  );
  const header = (key: SortKey, label: string, title: string, num = true) => {
    const active = sort.key === key;
    const next = { key, desc: active ? !sort.desc : key !== 'service' };
    return (
      <th
        className={num ? 'num' : undefined}
        aria-sort={active ? (sort.desc ? 'descending' : 'ascending') : 'none'}
        title={title}
      >
        <button
          type="button"
          className="sort-header"
          onClick={() => navigate(withParams(loc, { sort: writeSort(next) }), { replace: true })}
        >
          {label}
          {active ? (sort.desc ? ' ▼' : ' ▲') : ''}
        </button>
      </th>
    );
  };
  return (
    <>
      <table className="grid services-table">
        <thead>
          <tr>
            {header('service', 'Service', 'service name', false)}
            {header('requests', 'Requests', 'requests in the window')}
            {header('rate', 'Avg rate', 'requests per second, averaged over the whole window')}
            {header('now', 'Now', `requests per second in the last complete ${step}`)}
            <th className="spark-head">Rate (/s, per {step})</th>
            {header('errorRate', 'Error rate', 'share of requests that failed, over the window')}
            <th className="spark-head">Errors (%, per {step})</th>
            {header('p95', 'p95', '95th percentile latency over the window')}
            <th className="spark-head">p95 (ms, per {step})</th>
          </tr>
        </thead>
        <tbody>
          {sortRows(rows, sort).map((s) => {
            const href = hrefTo(`/services/${encodeURIComponent(s.service)}`, {}, loc.params);
            return (
              <tr key={s.service} className="clickable" onClick={() => navigate(href)}>
                <td>
                  <span className="swatch" style={{ background: serviceColor(s.service) }} />
                  <Link href={href}>{s.service}</Link>
                </td>
                <td className="num">{s.requests}</td>
                <td className="num">{formatRate(s.requestRate)}</td>
                <td className="num current-rate">{formatRate(s.now)}</td>
                {spark(s.series.rate, 'var(--accent)', `${s.service} request rate`)}
                <td className={`num${s.errors > 0 ? ' bad' : ''}`}>{formatPercent(s.errorRate)}</td>
                {spark(s.series.errorRate, 'var(--error)', `${s.service} error rate`)}
                <td className="num">{formatMs(s.p95Ms)}</td>
                {spark(s.series.p95Ms, 'var(--latency)', `${s.service} p95 latency`)}
              </tr>
            );
          })}
        </tbody>
      </table>
      <p className="sub table-note">
        Avg rate: the whole window. Now: the last complete {step}
        {bucket ? ` (${formatTime(bucket.fromMs)}–${formatTime(bucket.toMs)})` : ''}. Sparklines:
        one point per {step}.
      </p>
    </>
  );
}
