import type { AlertDelivery } from '@sightline/model/api/alerts';
import { qualified } from '../schema/ddl-context.ts';
import { ALERT_DELIVERIES_TABLE } from '../schema/alerts.ts';
import type { StoreTarget } from './target.ts';

/** One attempt to deliver a notification to one channel. */
export interface DeliveryResult {
  readonly notificationId: string;
  readonly ruleId: string;
  /** 'webhook:https://host/path' (no credentials), 'slack:host', 'email:a@b,c@d'. */
  readonly channel: string;
  readonly attempt: number;
  readonly ok: boolean;
  readonly status?: number;
  readonly error?: string;
  /** ISO 8601. */
  readonly at: string;
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
