import { randomUUID } from 'node:crypto';
import type {
  AlertRule,
  AlertRuleInput,
  AlertSilence,
  AlertSilenceInput,
} from '@sightline/model/api/alerts';
import { SightlineError } from '@sightline/model/errors';
import { alertNotFound, getRule, writeRule } from '@sightline/store/alerts/rules';
import {
  findSilence,
  listSilenceRecords,
  writeSilence,
  type SilenceRecord,
} from '@sightline/store/alerts/silences';
import type { StoreTarget } from '@sightline/store/alerts/target';
import type { ActiveSilence } from './silences.ts';
import { validateRule } from './validate.ts';
import { restoreSecrets } from './channel-secrets.ts';

// Rules and silences as the API serves them; the store keeps them (store/src/alerts).

/** The rule as stored and served: the input with every default filled in. */
export function toRule(
  id: string,
  input: AlertRuleInput,
  createdAt: string,
  updatedAt: string,
): AlertRule {
  const n = validateRule(input);
  return {
    id,
    name: input.name,
    ...(input.description !== undefined ? { description: input.description } : {}),
    enabled: n.enabled,
    query: input.query,
    condition: input.condition,
    window: input.window,
    interval: input.interval,
    for: input.for,
    severity: input.severity,
    labels: { ...n.labels },
    groupBy: [...n.groupBy],
    noData: n.noData,
    message: n.message,
    channels: input.channels,
    ...(input.repeatInterval !== undefined ? { repeatInterval: input.repeatInterval } : {}),
    createdAt,
    updatedAt,
  };
}

export async function createRule(t: StoreTarget, input: AlertRuleInput): Promise<AlertRule> {
  const now = new Date().toISOString();
  const rule = toRule(randomUUID(), restoreSecrets(input, []), now, now);
  await writeRule(t, rule, false);
  return rule;
}

export async function replaceRule(
  t: StoreTarget,
  id: string,
  input: AlertRuleInput,
): Promise<AlertRule> {
  const current = await getRule(t, id);
  // A channel sent back as the API showed it (secrets masked) keeps the secrets stored.
  const restored = restoreSecrets(input, current.channels);
  const rule = toRule(id, restored, current.createdAt, new Date().toISOString());
  await writeRule(t, rule, false);
  return rule;
}

export async function deleteRule(t: StoreTarget, id: string): Promise<void> {
  const current = await getRule(t, id);
  await writeRule(t, { ...current, updatedAt: new Date().toISOString() }, true);
}

/** Epoch ms or ISO 8601 → epoch ms; a 400 naming `field` otherwise. */
export function parseInstant(value: string, field: string): number {
  const ms = /^\d+$/.test(value) ? Number(value) : Date.parse(value);
  if (!Number.isFinite(ms)) {
    throw new SightlineError(
      'SL_ERR_VALIDATION',
      400,
      `${field}: '${value}' is not a time; expected ISO 8601 or epoch milliseconds`,
    );
  }
  return ms;
}

const toSilence = (r: SilenceRecord, nowMs: number): AlertSilence & ActiveSilence => ({
  id: r.id,
  ruleId: r.ruleId === '' ? null : r.ruleId,
  matchers: r.matchers,
  startsAt: new Date(r.startsAtMs).toISOString(),
  endsAt: new Date(r.endsAtMs).toISOString(),
  comment: r.comment,
  active: nowMs >= r.startsAtMs && nowMs < r.endsAtMs,
  startsAtMs: r.startsAtMs,
  endsAtMs: r.endsAtMs,
});

export async function listSilences(
  t: StoreTarget,
  nowMs: number,
): Promise<(AlertSilence & ActiveSilence)[]> {
  return (await listSilenceRecords(t)).map((r) => toSilence(r, nowMs));
}

export async function createSilence(
  t: StoreTarget,
  input: AlertSilenceInput,
  nowMs: number,
): Promise<AlertSilence> {
  const startsAtMs =
    input.startsAt === undefined ? nowMs : parseInstant(input.startsAt, 'startsAt');
  const endsAtMs = parseInstant(input.endsAt, 'endsAt');
  if (endsAtMs <= startsAtMs) {
    throw new SightlineError('SL_ERR_VALIDATION', 400, 'endsAt: must be after startsAt (or now)');
  }
  const matchers = input.matchers ?? {};
  if (input.ruleId === undefined && Object.keys(matchers).length === 0) {
    throw new SightlineError(
      'SL_ERR_VALIDATION',
      400,
      'matchers: a silence needs a ruleId or at least one matcher',
    );
  }
  if (input.ruleId !== undefined) await getRule(t, input.ruleId);
  const record: SilenceRecord = {
    id: randomUUID(),
    ruleId: input.ruleId ?? '',
    matchers,
    startsAtMs,
    endsAtMs,
    comment: input.comment ?? '',
  };
  await writeSilence(t, record, false);
  const s = toSilence(record, nowMs);
  return {
    id: s.id,
    ruleId: s.ruleId,
    matchers: s.matchers,
    startsAt: s.startsAt,
    endsAt: s.endsAt,
    comment: s.comment,
    active: s.active,
  };
}

/** Ends a silence now (kept for the record as deleted). */
export async function deleteSilence(t: StoreTarget, id: string): Promise<void> {
  const record = await findSilence(t, id);
  if (!record) throw alertNotFound('silence', id);
  await writeSilence(t, record, true);
}
