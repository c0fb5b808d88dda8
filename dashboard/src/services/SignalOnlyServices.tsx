import type { ServiceSignals } from '@sightline/model/api/traces';
import { serviceColor } from '../service-colors.ts';
import { hrefTo } from '../router.ts';
import { Link } from '../components/Link.tsx';

/**
 * Services that sent logs or metrics but no spans in the range: they have no request rates to
 * show, but a newcomer whose service only logs should still find it here.
 */
export function SignalOnlyServices({
  services,
  params,
}: {
  services: readonly ServiceSignals[];
  params: URLSearchParams;
}) {
  const withoutSpans = services.filter((s) => !s.signals.includes('traces'));
  if (withoutSpans.length === 0) return null;
  return (
    <>
      <h2>Without spans ({withoutSpans.length})</h2>
      <p className="hint">These services sent only logs or metrics in this time range.</p>
      <table className="grid signal-only-services">
        <thead>
          <tr>
            <th>Service</th>
            <th>Sent</th>
            <th />
          </tr>
        </thead>
        <tbody>
          {withoutSpans.map((s) => (
            <tr key={s.service}>
              <td>
                <span className="swatch" style={{ background: serviceColor(s.service) }} />
                {s.service}
              </td>
              <td>{s.signals.join(', ')}</td>
              <td className="nowrap">
                {s.signals.includes('logs') && (
                  <Link href={hrefTo('/logs', { q: `service:"${s.service}"` }, params)}>logs</Link>
                )}
                {s.signals.length > 1 && ' · '}
                {s.signals.includes('metrics') && (
                  <Link href={hrefTo('/metrics', {}, params)}>metrics</Link>
                )}
              </td>
            </tr>
          ))}
        </tbody>
      </table>
    </>
  );
}
