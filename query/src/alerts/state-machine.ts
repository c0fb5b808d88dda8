import type { AlertCondition, AlertStateName, NoDataPolicy } from '@sightline/model/api/alerts';

import type { AlertState } from '@sightline/store/alerts/states';

/** One alert's (rule × group) state as the evaluator keeps it between evaluations. */
export type { AlertState };

export const INITIAL_STATE: AlertState = {
  state: 'inactive',
  value: null,
  activeSince: null,
  firedAt: null,
  resolvedAt: null,
};

export interface Transition {
  readonly from: AlertStateName;
  readonly to: AlertStateName;
}

export interface StepResult {
  readonly next: AlertState;
  /** At most two: a `for` of 0 goes inactive → pending → firing in one evaluation. */
  readonly transitions: readonly Transition[];
  /** The value was missing and the noData policy decided. */
  readonly noData: boolean;
}

export function breaches(value: number, condition: AlertCondition): boolean {
  switch (condition.op) {
    case '>':
      return value > condition.threshold;
    case '>=':
      return value >= condition.threshold;
    case '<':
      return value < condition.threshold;
    case '<=':
      return value <= condition.threshold;
  }
}

export interface StepInput {
  readonly prev: AlertState;
  /** null: the query returned no data for this alert. */
  readonly value: number | null;
  /** Unset: a value holds by being there (a PromQL rule's returned series). */
  readonly condition: AlertCondition | undefined;
  readonly forMs: number;
  readonly noData: NoDataPolicy;
  readonly nowMs: number;
}

/**
 * One evaluation: inactive/resolved → pending when the condition holds, pending → firing once it
 * has held for `forMs`, pending → inactive and firing → resolved when it stops holding.
 */
export function step(input: StepInput): StepResult {
  const { prev, value, nowMs } = input;
  const noData = value === null;
  let holds: boolean;
  if (value !== null) holds = input.condition ? breaches(value, input.condition) : true;
  else if (input.noData === 'alerting') holds = true;
  else if (input.noData === 'ok') holds = false;
  else return { next: { ...prev, value: null }, transitions: [], noData };

  const transitions: Transition[] = [];
  let next: AlertState = { ...prev, value };
  if (holds) {
    if (next.state === 'inactive' || next.state === 'resolved') {
      transitions.push({ from: next.state, to: 'pending' });
      next = { ...next, state: 'pending', activeSince: nowMs };
    }
    if (next.state === 'pending' && nowMs - (next.activeSince ?? nowMs) >= input.forMs) {
      transitions.push({ from: 'pending', to: 'firing' });
      next = { ...next, state: 'firing', firedAt: nowMs, resolvedAt: null };
    }
  } else if (next.state === 'pending') {
    transitions.push({ from: 'pending', to: 'inactive' });
    next = { ...next, state: 'inactive', activeSince: null };
  } else if (next.state === 'firing') {
    transitions.push({ from: 'firing', to: 'resolved' });
    next = { ...next, state: 'resolved', activeSince: null, resolvedAt: nowMs };
  }
  return { next, transitions, noData };
}
