import { randomUUID } from 'node:crypto';
import type { ClickHouseClient } from '@clickhouse/client';
import type {
  AlertRule,
  AlertRuleInput,
  AlertSilence,
  AlertSilenceInput,
} from '@sightline/model/api/alerts';
import { SightlineError } from '@sightline/model/errors';
import { qualified } from '@sightline/store/schema/ddl-context';
import { ALERT_RULES_TABLE, ALERT_SILENCES_TABLE } from '@sightline/store/schema/alerts';
import type { ActiveSilence } from './silences.ts';
import { validateRule } from './validate.ts';
import { nextVersion } from './versions.ts';
import { restoreSecrets } from './channel-secrets.ts';

export interface StoreTarget {
  readonly writer: ClickHouseClient;
  readonly reader: ClickHouseClient;
  readonly database: string;
}

const notFound = (what: string, id: string): SightlineError =>
  new SightlineError('SL_ERR_NOT_FOUND', 404, `no alert ${what} with id '${id}'`);

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

/** Rules, read with FINAL so the newest version of each id counts whether or not parts merged. */
export async function listRules(t: StoreTarget): Promise<AlertRule[]> {
  const rs = await t.reader.query({
    query: `SELECT rule FROM ${qualified(t, ALERT_RULES_TABLE)} FINAL WHERE deleted = 0 ORDER BY id`,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ rule: string }>()).map((r) => JSON.parse(r.rule) as AlertRule);
}

export async function getRule(t: StoreTarget, id: string): Promise<AlertRule> {
  const rs = await t.reader.query({
    query: `SELECT rule, deleted FROM ${qualified(t, ALERT_RULES_TABLE)} FINAL WHERE id = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ rule: string; deleted: number }>();
  if (!row || Number(row.deleted) === 1) throw notFound('rule', id);
  return JSON.parse(row.rule) as AlertRule;
}

async function writeRule(t: StoreTarget, rule: AlertRule, deleted: boolean): Promise<void> {
  await t.writer.insert({
    table: qualified(t, ALERT_RULES_TABLE),
    values: [
      {
        id: rule.id,
        version: nextVersion(),
        deleted: deleted ? 1 : 0,
        rule: JSON.stringify(rule),
        created_at: Date.parse(rule.createdAt),
        updated_at: Date.parse(rule.updatedAt),
      },
    ],
    format: 'JSONEachRow',
  });
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

interface SilenceRow {
  id: string;
  rule_id: string;
  matchers: Record<string, string>;
  starts_at: string;
  ends_at: string;
  comment: string;
}

const toSilence = (r: SilenceRow, nowMs: number): AlertSilence & ActiveSilence => {
  const startsAtMs = Number(r.starts_at);
  const endsAtMs = Number(r.ends_at);
  return {
    id: r.id,
    ruleId: r.rule_id === '' ? null : r.rule_id,
    matchers: r.matchers,
    startsAt: new Date(startsAtMs).toISOString(),
    endsAt: new Date(endsAtMs).toISOString(),
    comment: r.comment,
    active: nowMs >= startsAtMs && nowMs < endsAtMs,
    startsAtMs,
    endsAtMs,
  };
};

export async function listSilences(
  t: StoreTarget,
  nowMs: number,
): Promise<(AlertSilence & ActiveSilence)[]> {
  const rs = await t.reader.query({
    query: `SELECT id, rule_id, matchers, toUnixTimestamp64Milli(starts_at) AS starts_at,
        toUnixTimestamp64Milli(ends_at) AS ends_at, comment
      FROM ${qualified(t, ALERT_SILENCES_TABLE)} FINAL WHERE deleted = 0 ORDER BY ends_at DESC`,
    format: 'JSONEachRow',
  });
  return (await rs.json<SilenceRow>()).map((r) => toSilence(r, nowMs));
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
  const row = {
    id: randomUUID(),
    rule_id: input.ruleId ?? '',
    matchers,
    starts_at: String(startsAtMs),
    ends_at: String(endsAtMs),
    comment: input.comment ?? '',
  };
  await t.writer.insert({
    table: qualified(t, ALERT_SILENCES_TABLE),
    values: [
      { ...row, version: nextVersion(), deleted: 0, starts_at: startsAtMs, ends_at: endsAtMs },
    ],
    format: 'JSONEachRow',
  });
  const s = toSilence(row, nowMs);
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
  const rs = await t.reader.query({
    query: `SELECT id, rule_id, matchers, toUnixTimestamp64Milli(starts_at) AS starts_at,
        toUnixTimestamp64Milli(ends_at) AS ends_at, comment
      FROM ${qualified(t, ALERT_SILENCES_TABLE)} FINAL WHERE id = {id:String} AND deleted = 0`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<SilenceRow>();
  if (!row) throw notFound('silence', id);
  await t.writer.insert({
    table: qualified(t, ALERT_SILENCES_TABLE),
    values: [
      {
        ...row,
        starts_at: Number(row.starts_at),
        ends_at: Number(row.ends_at),
        version: nextVersion(),
        deleted: 1,
      },
    ],
    format: 'JSONEachRow',
  });
}
