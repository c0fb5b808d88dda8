/** A silence as the evaluator applies it. */
export interface ActiveSilence {
  readonly id: string;
  readonly ruleId: string | null;
  readonly matchers: Readonly<Record<string, string>>;
  readonly startsAtMs: number;
  readonly endsAtMs: number;
}

/**
 * Whether an alert is muted: a silence applies when it is in effect, names this rule (or none),
 * and each matcher equals the alert's group label or, failing that, the rule's label.
 */
export function isSilenced(
  silences: readonly ActiveSilence[],
  ruleId: string,
  ruleLabels: Readonly<Record<string, string>>,
  groupLabels: Readonly<Record<string, string>>,
  nowMs: number,
): boolean {
  return silences.some((s) => {
    if (nowMs < s.startsAtMs || nowMs >= s.endsAtMs) return false;
    if (s.ruleId !== null && s.ruleId !== ruleId) return false;
    const entries = Object.entries(s.matchers);
    // A silence with neither a rule nor matchers would mute everything: never applies.
    if (s.ruleId === null && entries.length === 0) return false;
    return entries.every(([k, v]) => (groupLabels[k] ?? ruleLabels[k]) === v);
  });
}
