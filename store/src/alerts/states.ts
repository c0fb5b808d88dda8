import type { AlertStateName } from '@sightline/model/api/alerts';
import { parsePointValue, toPointValue } from '@sightline/model/prom-value';
import { qualified } from '../schema/ddl-context.ts';
import { ALERT_STATES_TABLE } from '../schema/alerts.ts';
import type { StoreTarget } from './target.ts';
import { nextVersion } from './versions.ts';

/** Where one alert stands (the evaluator's state machine steps it). */
export interface AlertState {
  readonly state: AlertStateName;
  readonly value: number | null;
  /** Since when the condition has held (pending or firing), epoch ms. */
  readonly activeSince: number | null;
  readonly firedAt: number | null;
  readonly resolvedAt: number | null;
}

/** What was last announced for an alert, and when. */
export interface NotifiedMark {
  readonly state: '' | 'firing' | 'resolved';
  readonly atMs: number | null;
}

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
export const QUOTE_DENORMALS = { output_format_json_quote_denormals: 1 } as const;

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
