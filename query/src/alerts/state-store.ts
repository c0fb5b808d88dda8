import type { AlertDelivery, AlertHistoryEntry, AlertStateName } from '@sightline/model/api/alerts';
import { parsePointValue, toPointValue } from '@sightline/model/prom-value';
import { qualified } from '@sightline/store/schema/ddl-context';
import {
  ALERT_DELIVERIES_TABLE,
  ALERT_HISTORY_TABLE,
  ALERT_STATES_TABLE,
} from '@sightline/store/schema/alerts';
import type { DeliveryResult } from './notify/types.ts';
import type { NotifiedMark } from './notify-decision.ts';
import type { StoreTarget } from './rule-store.ts';
import type { AlertState } from './state-machine.ts';
import { nextVersion } from './versions.ts';

/** One alert as persisted between evaluations (and across restarts and evaluator handovers). */
export interface StoredAlert {
  readonly ruleId: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly state: AlertState;
  readonly evaluatedAtMs: number;
  readonly notified: NotifiedMark;
  readonly silenced: boolean;
}

interface StateRow {
  rule_id: string;
  group_key: string;
  state: AlertStateName;
  group_labels: Record<string, string>;
  value: number | string | null;
  active_since: string | null;
  fired_at: string | null;
  resolved_at: string | null;
  evaluated_at: string;
  notified_state: '' | 'firing' | 'resolved';
  notified_at: string | null;
  silenced: number;
}

// NaN and ±Inf come back as "nan", "inf", "-inf" (JSON has no such numbers), not as null.
const QUOTE_DENORMALS = { output_format_json_quote_denormals: 1 } as const;

const ms = (v: string | null): number | null => (v === null ? null : Number(v));

/** Every alert's state, newest version per (rule, group). */
export async function loadStates(t: StoreTarget, ruleId?: string): Promise<StoredAlert[]> {
  const rs = await t.reader.query({
    query: `SELECT rule_id, group_key, state, group_labels, value,
        toUnixTimestamp64Milli(active_since) AS active_since,
        toUnixTimestamp64Milli(fired_at) AS fired_at,
        toUnixTimestamp64Milli(resolved_at) AS resolved_at,
        toUnixTimestamp64Milli(evaluated_at) AS evaluated_at,
        notified_state, toUnixTimestamp64Milli(notified_at) AS notified_at, silenced
      FROM ${qualified(t, ALERT_STATES_TABLE)} FINAL
      WHERE deleted = 0 ${ruleId !== undefined ? 'AND rule_id = {ruleId:String}' : ''}
      ORDER BY rule_id, group_key`,
    query_params: ruleId !== undefined ? { ruleId } : {},
    format: 'JSONEachRow',
    clickhouse_settings: QUOTE_DENORMALS,
  });
  return (await rs.json<StateRow>()).map((r) => ({
    ruleId: r.rule_id,
    groupKey: r.group_key,
    groupLabels: r.group_labels,
    state: {
      state: r.state,
      value: parsePointValue(r.value),
      activeSince: ms(r.active_since),
      firedAt: ms(r.fired_at),
      resolvedAt: ms(r.resolved_at),
    },
    evaluatedAtMs: Number(r.evaluated_at),
    notified: { state: r.notified_state, atMs: ms(r.notified_at) },
    silenced: Number(r.silenced) === 1,
  }));
}

/**
 * Writes each alert's state as its newest version; `forget` writes it as deleted instead (an
 * alert whose group went away, see forget.ts), so loadStates no longer returns it.
 */
export async function saveStates(
  t: StoreTarget,
  alerts: readonly StoredAlert[],
  epoch: number,
  opts: { forget?: boolean } = {},
): Promise<void> {
  if (alerts.length === 0) return;
  await t.writer.insert({
    table: qualified(t, ALERT_STATES_TABLE),
    values: alerts.map((a) => ({
      rule_id: a.ruleId,
      group_key: a.groupKey,
      version: nextVersion(),
      deleted: opts.forget ? 1 : 0,
      state: a.state.state,
      group_labels: a.groupLabels,
      // NaN and ±Inf are values: stored as such (ClickHouse reads Prometheus' spelling).
      value: toPointValue(a.state.value),
      active_since: a.state.activeSince,
      fired_at: a.state.firedAt,
      resolved_at: a.state.resolvedAt,
      evaluated_at: a.evaluatedAtMs,
      notified_state: a.notified.state,
      notified_at: a.notified.atMs,
      silenced: a.silenced ? 1 : 0,
      epoch,
    })),
    format: 'JSONEachRow',
  });
}

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

/** One delivery attempt, with the lease epoch of the evaluator that sent it (fencing evidence). */
export async function recordDelivery(
  t: StoreTarget,
  r: DeliveryResult,
  epoch: number,
): Promise<void> {
  await t.writer.insert({
    table: qualified(t, ALERT_DELIVERIES_TABLE),
    values: [
      {
        notification_id: r.notificationId,
        rule_id: r.ruleId,
        channel: r.channel,
        attempt: r.attempt,
        ok: r.ok ? 1 : 0,
        status: r.status ?? null,
        error: r.error ?? '',
        at: Date.parse(r.at),
        epoch,
      },
    ],
    format: 'JSONEachRow',
  });
}

/** Delivery attempts, newest first. */
export async function readDeliveries(
  t: StoreTarget,
  filter: { ruleId?: string | undefined; limit: number },
): Promise<AlertDelivery[]> {
  const params: Record<string, string | number> = { limit: filter.limit };
  let where = '1';
  if (filter.ruleId !== undefined) {
    where = 'rule_id = {ruleId:String}';
    params.ruleId = filter.ruleId;
  }
  const rs = await t.reader.query({
    query: `SELECT notification_id, rule_id, channel, attempt, ok, status, error,
        toUnixTimestamp64Milli(at) AS at
      FROM ${qualified(t, ALERT_DELIVERIES_TABLE)}
      WHERE ${where}
      ORDER BY at DESC, attempt DESC LIMIT {limit:UInt32}`,
    query_params: params,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{
    notification_id: string;
    rule_id: string;
    channel: string;
    attempt: number | string;
    ok: number | string;
    status: number | string | null;
    error: string;
    at: number | string;
  }>();
  return rows.map((r) => ({
    notificationId: r.notification_id,
    ruleId: r.rule_id,
    channel: r.channel,
    attempt: Number(r.attempt),
    ok: Number(r.ok) === 1,
    status: r.status === null ? null : Number(r.status),
    error: r.error,
    at: new Date(Number(r.at)).toISOString(),
  }));
}
