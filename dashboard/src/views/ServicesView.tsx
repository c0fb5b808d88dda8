import { ServiceMapResponse, ServicesOverviewResponse } from '@sightline/model/api/services';
import { ServicesResponse } from '@sightline/model/api/traces';
import { apiGet, useApi } from '../api.ts';
import { hrefTo, navigate, withParams, type AppLocation } from '../router.ts';
import { resolveRange, type TimeRange } from '../time-range.ts';
import {
  selfTelemetryParam,
  SelfTelemetryToggle,
  useShowSelfTelemetry,
} from '../components/SelfTelemetryToggle.tsx';
import { SendDataHint } from '../components/SendDataHint.tsx';
import { Empty, ErrorPanel, Loading } from '../components/States.tsx';
import { ServiceMap } from '../services/ServiceMap.tsx';
import { ServicesTable } from '../services/ServicesTable.tsx';
import { SignalOnlyServices } from '../services/SignalOnlyServices.tsx';

export function ServicesView({ loc, range }: { loc: AppLocation; range: TimeRange }) {
  const selfTelemetry = selfTelemetryParam(useShowSelfTelemetry());
  const key = JSON.stringify([range, selfTelemetry]);
  const res = useApi(key, (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(
      ServicesOverviewResponse,
      '/services/overview',
      { from, to, selfTelemetry },
      signal,
    );
  });
  // Every service with any signal: those without spans are listed below the RED table.
  const all = useApi(key, (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(ServicesResponse, '/services', { from, to, selfTelemetry }, signal);
  });
  const others = all.status === 'ok' ? all.data.signals : [];
  const asMap = loc.params.get('view') === 'map';
  const open = (service: string) =>
    navigate(hrefTo(`/services/${encodeURIComponent(service)}`, {}, loc.params));
  return (
    <section>
      <h1>Services</h1>
      <SelfTelemetryToggle />
      <div className="tabs" role="tablist" aria-label="Services as">
        {(['table', 'map'] as const).map((v) => (
          <button
            key={v}
            type="button"
            role="tab"
            aria-selected={asMap === (v === 'map')}
            onClick={() => navigate(withParams(loc, { view: v === 'map' ? 'map' : null }))}
          >
            {v === 'map' ? 'Map' : 'Table'}
          </button>
        ))}
      </div>
      {asMap && res.status === 'ok' && res.data.services.length > 0 && (
        <MapPanel range={range} overview={res.data} onOpen={open} />
      )}
      {res.status === 'loading' && <Loading what="services" />}
      {res.status === 'error' && <ErrorPanel error={res.error} retry={res.reload} />}
      {res.status === 'ok' && res.data.services.length === 0 && (
        <Empty title="No services sent spans in this time range">
          Widen the time range above, or <SendDataHint signal="traces" /> and send some traffic. To
          look around first, <code>npm run demo</code> starts a small shop of services that fills
          this page within a minute.
        </Empty>
      )}
      {!asMap && res.status === 'ok' && res.data.services.length > 0 && (
        <ServicesTable loc={loc} overview={res.data} />
      )}
      {!asMap && res.status === 'ok' && (
        <SignalOnlyServices services={others} params={loc.params} />
      )}
    </section>
  );
}

function MapPanel({
  range,
  overview,
  onOpen,
}: {
  range: TimeRange;
  overview: ServicesOverviewResponse;
  onOpen: (service: string) => void;
}) {
  // Same bounds as the overview, so the map's rates and the table's agree.
  const { from, to } = overview;
  const selfTelemetry = selfTelemetryParam(useShowSelfTelemetry());
  const map = useApi(JSON.stringify([range, from, to, selfTelemetry]), (signal) =>
    apiGet(ServiceMapResponse, '/services/map', { from, to, selfTelemetry }, signal),
  );
  if (map.status === 'loading') return <Loading what="the service map" />;
  if (map.status === 'error') return <ErrorPanel error={map.error} retry={map.reload} />;
  return (
    <ServiceMap
      map={map.data}
      stats={new Map(overview.services.map((s) => [s.service, { p95Ms: s.p95Ms }]))}
      onOpen={onOpen}
    />
  );
}
