import type { AlertSilenceInput } from '@sightline/model/api/alerts';

/** How long a new silence lasts: the choices offered, in milliseconds. */
export const SILENCE_DURATIONS = [
  { label: '1 hour', ms: 3_600_000 },
  { label: '4 hours', ms: 4 * 3_600_000 },
  { label: '1 day', ms: 86_400_000 },
  { label: '1 week', ms: 7 * 86_400_000 },
] as const;

export interface SilenceDraft {
  /** A rule id, or '' to silence by labels. */
  readonly ruleId: string;
  /** One key=value a line; every one must match. */
  readonly matchers: string;
  readonly durationMs: number;
  readonly comment: string;
}

/** The silence to create, or a sentence saying what is missing. */
export function silenceInput(d: SilenceDraft, nowMs: number): AlertSilenceInput | string {
  const matchers: Record<string, string> = {};
  for (const line of d.matchers.split('\n').map((l) => l.trim())) {
    if (line === '') continue;
    const at = line.indexOf('=');
    if (at <= 0) return `Matcher '${line}' is not key=value.`;
    matchers[line.slice(0, at).trim()] = line.slice(at + 1).trim();
  }
  const hasMatchers = Object.keys(matchers).length > 0;
  if (d.ruleId === '' && !hasMatchers)
    return 'Pick a rule, or give at least one label matcher such as team=payments.';
  return {
    ...(d.ruleId !== '' ? { ruleId: d.ruleId } : {}),
    ...(hasMatchers ? { matchers } : {}),
    endsAt: new Date(nowMs + d.durationMs).toISOString(),
    ...(d.comment.trim() !== '' ? { comment: d.comment.trim() } : {}),
  };
}
