import { SetupResponse } from '@sightline/model/api/setup';
import { apiGet, useApi } from '../api.ts';
import { Link } from './Link.tsx';

/** A listener bound to every address is reached by the name the browser used for Sightline. */
function reachable(url: string): string {
  const u = new URL(url);
  if (u.hostname === '0.0.0.0' || u.hostname === '[::]') u.hostname = window.location.hostname;
  return u.origin;
}

/**
 * How to send `signal` to this Sightline: its real OTLP endpoints (as configured, not the default
 * ports), and the ingest key header when API keys are on.
 */
export function SendDataHint({ signal }: { signal: 'traces' | 'metrics' | 'logs' }) {
  const setup = useApi('setup', (s) => apiGet(SetupResponse, '/setup', {}, s));
  if (setup.status !== 'ok') return <>send OpenTelemetry data (OTLP) to Sightline</>;
  const { otlpHttp, otlpGrpc, auth } = setup.data;
  return (
    <span className="send-data-hint">
      {otlpHttp || otlpGrpc ? (
        <>
          point an OpenTelemetry SDK at{' '}
          {otlpHttp && (
            <>
              <code>{reachable(otlpHttp)}</code> (OTLP/HTTP, <code>POST /v1/{signal}</code>)
            </>
          )}
          {otlpHttp && otlpGrpc && ' or '}
          {otlpGrpc && (
            <>
              <code>{reachable(otlpGrpc)}</code> (OTLP/gRPC)
            </>
          )}
        </>
      ) : (
        <>send OTLP to the address of Sightline&apos;s receive role</>
      )}
      {auth && (
        <>
          {' '}
          with an ingest key in the header <code>
            authorization: Bearer &lt;ingest key&gt;
          </code>{' '}
          (make one on the <Link href="/keys">API keys</Link> page)
        </>
      )}
    </span>
  );
}
