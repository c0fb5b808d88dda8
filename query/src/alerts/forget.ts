import type { AlertState } from './state-machine.ts';
import type { NotifiedMark } from './notify-decision.ts';

/**
 * Consecutive evaluations a group must be missing from its rule's results before its alert is
 * forgotten. More than one, so a group that skips a single window (a quiet minute, a late batch)
 * keeps its state and history line.
 */
export const FORGET_AFTER_MISSING_EVALS = 2;

export interface ForgetInput {
  /** '' for a rule without group-by: its one alert is kept whatever the data. */
  readonly groupKey: string;
  /** How many evaluations in a row, this one included, the group was not in the results. */
  readonly missingEvals: number;
  /** The state after this evaluation. */
  readonly next: AlertState;
  /** What was last announced for the alert, after this evaluation's decision. */
  readonly notified: NotifiedMark;
}

/**
 * Whether the alert of a group that went away (a pod replaced, a service renamed, an attribute
 * value no longer seen) can be dropped, so state does not pile up with every group a rule has ever
 * seen. Only once it has nothing left to say: not pending or firing (with `noData: keep` or
 * `alerting` a vanished group may stay firing: that is the policy asked for), and no firing
 * announced without its resolution. Its history stays.
 */
export function canForget(input: ForgetInput): boolean {
  if (input.groupKey === '') return false;
  if (input.missingEvals < FORGET_AFTER_MISSING_EVALS) return false;
  if (input.next.state !== 'inactive' && input.next.state !== 'resolved') return false;
  return input.notified.state !== 'firing';
}
