import type { AlertRuleInput } from './alerts.ts';

/** What the "circuit breaker open" template asks for. */
export interface BreakerOpenTemplate {
  /** How long a breaker must stay open before the alert fires; over 0, whole seconds count. */
  readonly minutes: number;
  /** One service's breakers only; every service's by default. */
  readonly service?: string;
  /** One breaker (its `circuit_breaker.name`) only. */
  readonly breaker?: string;
}

/** `5m` for whole minutes, else whole seconds (`90s`), at least one second. */
export function minutesDuration(minutes: number): string {
  const seconds = Math.max(1, Math.round(minutes * 60));
  return seconds % 60 === 0 ? `${seconds / 60}m` : `${seconds}s`;
}

/**
 * A rule on the SDK's `circuit_breaker.state` gauge (0 closed, 1 half-open, 2 open): one alert per
 * service and breaker, pending while its last reported state is open and firing once it has been
 * open for `minutes` without a break; it resolves when the breaker reports half-open or closed.
 * The window is the lookback of a gauge (5 min): a breaker that stops reporting keeps its state.
 */
export function breakerOpenRule(t: BreakerOpenTemplate): AlertRuleInput {
  const held = minutesDuration(t.minutes);
  const name = t.breaker === undefined || t.breaker === '' ? 'A circuit breaker' : t.breaker;
  return {
    name: `${name} open for more than ${held}`,
    description:
      'Fires when a circuit breaker (circuit_breaker.state = 2) stays open: calls through it fail fast until the dependency recovers.',
    query: {
      kind: 'metric',
      metric: 'circuit_breaker.state',
      aggregation: 'max',
      reduce: 'last',
      ...(t.service !== undefined && t.service !== '' ? { service: t.service } : {}),
      ...(t.breaker !== undefined && t.breaker !== ''
        ? { filters: [{ key: 'circuit_breaker.name', op: 'eq' as const, value: t.breaker }] }
        : {}),
    },
    condition: { op: '>=', threshold: 2 },
    window: '5m',
    interval: '30s',
    for: held,
    severity: 'critical',
    groupBy: ['service', 'circuit_breaker.name'],
    noData: 'keep',
    message: `Circuit breaker {{group.circuit_breaker.name}} of {{group.service}} has been open for more than ${held}.`,
    channels: [],
  };
}
