import {
  OperationsResponse,
  ServicesResponse,
  type ServiceSignal,
} from '@sightline/model/api/traces';
import { apiGet, useApi } from '../api.ts';
import { selfTelemetryParam, useShowSelfTelemetry } from '../components/SelfTelemetryToggle.tsx';

/** How far back the pickers look for names: a rule is usually written for what ran today. */
export const PICKER_LOOKBACK_MS = 86_400_000;

const lastDay = () => {
  const to = Date.now();
  return { from: to - PICKER_LOOKBACK_MS, to };
};

interface PickerProps {
  readonly value: string;
  readonly onChange: (value: string) => void;
}

/** Choices with "any" first, and a value the data no longer has kept (and said so). */
function Choices({ names, value }: { names: readonly string[]; value: string }) {
  return (
    <>
      <option value="">any</option>
      {names.map((n) => (
        <option key={n} value={n}>
          {n}
        </option>
      ))}
      {value !== '' && !names.includes(value) && (
        <option value={value}>{value} (no data in the last 24 h)</option>
      )}
    </>
  );
}

/** The services that sent `signal` in the last day. */
export function ServicePicker({
  value,
  onChange,
  signal,
}: PickerProps & { signal: ServiceSignal }) {
  const selfTelemetry = selfTelemetryParam(useShowSelfTelemetry());
  const services = useApi(`alert-services-${selfTelemetry ?? ''}`, (abort) =>
    apiGet(ServicesResponse, '/services', { ...lastDay(), selfTelemetry }, abort),
  );
  const names =
    services.status === 'ok'
      ? services.data.signals.filter((s) => s.signals.includes(signal)).map((s) => s.service)
      : [];
  return (
    <select
      value={value}
      aria-busy={services.status === 'loading'}
      onChange={(e) => onChange(e.target.value)}
    >
      <Choices names={names} value={value} />
    </select>
  );
}

/** The span names of `service` in the last day; disabled until a service is chosen. */
export function OperationPicker({ value, onChange, service }: PickerProps & { service: string }) {
  const ops = useApi(service === '' ? null : `alert-operations-${service}`, (abort) =>
    apiGet(
      OperationsResponse,
      `/services/${encodeURIComponent(service)}/operations`,
      lastDay(),
      abort,
    ),
  );
  const names =
    service !== '' && ops.status === 'ok'
      ? [...new Set(ops.data.operations.map((o) => o.name))]
      : [];
  return (
    <select
      value={value}
      disabled={service === '' && value === ''}
      aria-busy={service !== '' && ops.status === 'loading'}
      onChange={(e) => onChange(e.target.value)}
    >
      <Choices names={names} value={value} />
    </select>
  );
}
