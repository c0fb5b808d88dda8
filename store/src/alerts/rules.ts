import type { AlertRule } from '@sightline/model/api/alerts';
import { SightlineError } from '@sightline/model/errors';
import { qualified } from '../schema/ddl-context.ts';
import { ALERT_RULES_TABLE } from '../schema/alerts.ts';
import type { StoreTarget } from './target.ts';
import { nextVersion } from './versions.ts';

export const alertNotFound = (what: string, id: string): SightlineError =>
  new SightlineError('SL_ERR_NOT_FOUND', 404, `no alert ${what} with id '${id}'`);

/** Rules, read with FINAL so the newest version of each id counts whether or not parts merged. */
export async function listRules(t: StoreTarget): Promise<AlertRule[]> {
  const rs = await t.reader.query({
    query: `SELECT rule FROM ${qualified(t, ALERT_RULES_TABLE)} FINAL WHERE deleted = 0 ORDER BY id`,
    format: 'JSONEachRow',
  });
  return (await rs.json<{ rule: string }>()).map((r) => JSON.parse(r.rule) as AlertRule);
}

/** The rule with this id; a 404 when there is none or it was deleted. */
export async function getRule(t: StoreTarget, id: string): Promise<AlertRule> {
  const rs = await t.reader.query({
    query: `SELECT rule, deleted FROM ${qualified(t, ALERT_RULES_TABLE)} FINAL WHERE id = {id:String}`,
    query_params: { id },
    format: 'JSONEachRow',
  });
  const [row] = await rs.json<{ rule: string; deleted: number }>();
  if (!row || Number(row.deleted) === 1) throw alertNotFound('rule', id);
  return JSON.parse(row.rule) as AlertRule;
}

/** Stores the rule as its id's newest version (`deleted`: as a deletion). */
export async function writeRule(t: StoreTarget, rule: AlertRule, deleted: boolean): Promise<void> {
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
