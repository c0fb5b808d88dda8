import { qualified, tableEngine, type DdlContext } from './ddl-context.ts';

export const ALERT_RULES_TABLE = 'alert_rules';
export const ALERT_STATES_TABLE = 'alert_states';
export const ALERT_HISTORY_TABLE = 'alert_history';
export const ALERT_SILENCES_TABLE = 'alert_silences';
export const ALERT_DELIVERIES_TABLE = 'alert_deliveries';
export const ALERT_LEASE_TABLE = 'alert_lease';

// Rules, states and silences are small, rewritten by id and read with FINAL: a newer version
// replaces an older one, and a deletion is a version with deleted = 1.

export function alertRulesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, ALERT_RULES_TABLE)} (
    id String,
    version UInt64,
    deleted UInt8,
    rule String CODEC(ZSTD(1)),
    created_at DateTime64(3),
    updated_at DateTime64(3)
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY id`;
}

/** Where each alert (rule × group) stands, and what was last notified, so a restart resumes. */
export function alertStatesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, ALERT_STATES_TABLE)} (
    rule_id String,
    group_key String,
    version UInt64,
    deleted UInt8,
    state LowCardinality(String),
    group_labels Map(String, String),
    value Nullable(Float64),
    active_since Nullable(DateTime64(3)),
    fired_at Nullable(DateTime64(3)),
    resolved_at Nullable(DateTime64(3)),
    evaluated_at DateTime64(3),
    notified_state LowCardinality(String),
    notified_at Nullable(DateTime64(3)),
    silenced UInt8,
    epoch UInt64
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY (rule_id, group_key)`;
}

export function alertHistoryTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, ALERT_HISTORY_TABLE)} (
    rule_id String,
    rule_name String,
    group_key String,
    group_labels Map(String, String),
    from_state LowCardinality(String),
    to_state LowCardinality(String),
    value Nullable(Float64),
    threshold Float64,
    no_data UInt8,
    silenced UInt8,
    at DateTime64(3),
    epoch UInt64,
    evaluator String
) ${tableEngine(ctx, 'MergeTree')}
ORDER BY (rule_id, at)`;
}

export function alertSilencesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, ALERT_SILENCES_TABLE)} (
    id String,
    version UInt64,
    deleted UInt8,
    rule_id String,
    matchers Map(String, String),
    starts_at DateTime64(3),
    ends_at DateTime64(3),
    comment String
) ${tableEngine(ctx, 'ReplacingMergeTree(version)')}
ORDER BY id`;
}

/** One row per delivery attempt: the notifiers' DeliveryResult, plus the lease epoch that sent it. */
export function alertDeliveriesTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, ALERT_DELIVERIES_TABLE)} (
    notification_id String,
    rule_id String,
    channel String,
    attempt UInt16,
    ok UInt8,
    status Nullable(UInt16),
    error String,
    at DateTime64(3),
    epoch UInt64
) ${tableEngine(ctx, 'MergeTree')}
ORDER BY (rule_id, at)`;
}

/**
 * Claims and renewals of the evaluator lease (store/src/alerts/lease.ts). `inserted_at` is the
 * server's clock when the row arrived: the earliest claim of an epoch wins.
 */
export function alertLeaseTable(ctx: DdlContext): string {
  return `CREATE TABLE IF NOT EXISTS ${qualified(ctx, ALERT_LEASE_TABLE)} (
    name String,
    epoch UInt64,
    holder String,
    expires_at DateTime64(3),
    inserted_at DateTime64(6) DEFAULT now64(6)
) ${tableEngine(ctx, 'MergeTree')}
ORDER BY (name, epoch, inserted_at)
TTL toDateTime(inserted_at) + toIntervalDay(1)`;
}
