import { useSyncExternalStore } from 'react';

const KEY = 'sightline.showSelfTelemetry';
const listeners = new Set<() => void>();

const read = () => window.localStorage.getItem(KEY) === 'show';

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

/**
 * Whether Sightline's own services (sightline-*) are shown: hidden by default, one choice for
 * every page, kept across visits.
 */
export function useShowSelfTelemetry(): boolean {
  return useSyncExternalStore(subscribe, read);
}

/** The API parameter for the current choice. */
export const selfTelemetryParam = (show: boolean): 'show' | undefined =>
  show ? 'show' : undefined;

export function SelfTelemetryToggle() {
  const show = useShowSelfTelemetry();
  return (
    <label className="self-toggle" title="Sightline's own traces, metrics and logs (sightline-*)">
      <input
        type="checkbox"
        checked={show}
        onChange={(e) => {
          window.localStorage.setItem(KEY, e.target.checked ? 'show' : 'hide');
          for (const l of listeners) l();
        }}
      />{' '}
      Show Sightline&apos;s own services
    </label>
  );
}
