import type { BreakerStateName } from '@sightline/model/api/dependencies';

const LABELS: Record<BreakerStateName, string> = {
  closed: 'closed',
  'half-open': 'half-open',
  open: 'OPEN',
};

/** A circuit breaker's state as a coloured badge; "no data" when none was reported. */
export function BreakerBadge({ state }: { state: BreakerStateName | null }) {
  return (
    <span className={`breaker-badge breaker-${state ?? 'unknown'}`} data-state={state ?? 'unknown'}>
      {state === null ? 'no data' : LABELS[state]}
    </span>
  );
}
