import type { AlertHistoryEntry, AlertStateName } from '@sightline/model/api/alerts';
import { parsePointValue, toPointValue } from '@sightline/model/prom-value';
import { qualified } from '../schema/ddl-context.ts';
import { ALERT_HISTORY_TABLE } from '../schema/alerts.ts';
import { QUOTE_DENORMALS } from './states.ts';
import type { StoreTarget } from './target.ts';

export interface HistoryRow {
  readonly ruleId: string;
  readonly ruleName: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly from: AlertStateName;
  readonly to: AlertStateName;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly noData: boolean;
  readonly silenced: boolean;
  readonly atMs: number;
}

export async function appendHistory(
  t: StoreTarget,
  rows: readonly HistoryRow[],
  epoch: number,
  evaluator: string,
): Promise<void> {
  if (rows.length === 0) return;
  await t.writer.insert({
    table: qualified(t, ALERT_HISTORY_TABLE),
    values: rows.map((r) => ({
      rule_id: r.ruleId,
      rule_name: r.ruleName,
      group_key: r.groupKey,
      group_labels: r.groupLabels,
      from_state: r.from,
      to_state: r.to,
      value: toPointValue(r.value),
      // The column is not Nullable: NaN (read back as null) stands for "no threshold".
      threshold: r.threshold ?? 'nan',
      no_data: r.noData ? 1 : 0,
      silenced: r.silenced ? 1 : 0,
      at: r.atMs,
      epoch,
      evaluator,
    })),
    format: 'JSONEachRow',
  });
}

export async function readHistory(
  t: StoreTarget,
  filter: { ruleId?: string | undefined; groupKey?: string | undefined; limit: number },
): Promise<AlertHistoryEntry[]> {
  const where = ['1'];
  const params: Record<string, string | number> = { limit: filter.limit };
  if (filter.ruleId !== undefined) {
    where.push('rule_id = {ruleId:String}');
    params.ruleId = filter.ruleId;
  }
  if (filter.groupKey !== undefined) {
    where.push('group_key = {groupKey:String}');
    params.groupKey = filter.groupKey;
  }
  const rs = await t.reader.query({
    query: `SELECT rule_id, rule_name, group_key, group_labels, from_state, to_state, value,
        if(isNaN(threshold), NULL, threshold) AS threshold, no_data, silenced, toUnixTimestamp64Milli(at) AS at
      FROM ${qualified(t, ALERT_HISTORY_TABLE)}
      WHERE ${where.join(' AND ')}
      ORDER BY at DESC, indexOf(['pending', 'firing'], to_state) DESC LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
    clickhouse_settings: QUOTE_DENORMALS,
  });
  const rows = await rs.json<{
    rule_id: string;
    rule_name: string;
    group_key: string;
    group_labels: Record<string, string>;
    from_state: AlertStateName;
    to_state: AlertStateName;
    value: number | string | null;
    threshold: number | null;
    no_data: number;
    silenced: number;
    at: string;
  }>();
  return rows.map((r) => ({
    ruleId: r.rule_id,
    ruleName: r.rule_name,
    groupKey: r.group_key,
    groupLabels: r.group_labels,
    from: r.from_state,
    to: r.to_state,
    value: toPointValue(parsePointValue(r.value)),
    threshold: r.threshold === null ? null : Number(r.threshold),
    noData: Number(r.no_data) === 1,
    silenced: Number(r.silenced) === 1,
    at: new Date(Number(r.at)).toISOString(),
  }));
}
