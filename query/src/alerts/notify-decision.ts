import type { AlertState, NotifiedMark } from '@sightline/store/alerts/states';

/** The last notification sent for an alert: which state it announced and when. */
export type { NotifiedMark } from '@sightline/store/alerts/states';

export interface NotifyDecision {
  readonly kind: 'firing' | 'resolved';
  readonly repeat: boolean;
  /** Stable across evaluators and restarts: the same alert episode gives the same id. */
  readonly notificationId: string;
}

/**
 * Level-triggered: compares where an alert stands with what was last announced, rather than
 * reacting to transitions, so a notification skipped (silenced, crashed before sending, lease
 * lost) is sent by whichever evaluation next finds the mismatch — and never twice.
 */
export function decideNotification(
  ruleId: string,
  groupKey: string,
  s: AlertState,
  notified: NotifiedMark,
  repeatMs: number | null,
  nowMs: number,
): NotifyDecision | null {
  const base = `${ruleId}/${groupKey}`;
  if (s.state === 'firing' && s.firedAt !== null) {
    if (notified.state !== 'firing' || notified.atMs === null || notified.atMs < s.firedAt) {
      return { kind: 'firing', repeat: false, notificationId: `${base}/firing/${s.firedAt}` };
    }
    if (repeatMs !== null && nowMs - notified.atMs >= repeatMs) {
      const n = Math.floor((nowMs - s.firedAt) / repeatMs);
      return { kind: 'firing', repeat: true, notificationId: `${base}/firing/${s.firedAt}/${n}` };
    }
    return null;
  }
  if (notified.state === 'firing' && s.resolvedAt !== null && s.state !== 'pending') {
    return { kind: 'resolved', repeat: false, notificationId: `${base}/resolved/${s.resolvedAt}` };
  }
  return null;
}
