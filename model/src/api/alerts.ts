import { Type, type Static } from 'typebox';
import { AlertChannelSchema } from './alert-channels.ts';
import { MetricAggregation, MetricFilter, PointValueSchema, SeriesPoint } from './metrics.ts';

/** `30s`, `5m`, `1h`, `1d`: whole seconds, minutes, hours or days. */
export const AlertDuration = Type.String({
  pattern: '^[0-9]{1,7}[smhd]$',
  description: 'A duration: a whole number with s, m, h or d, e.g. 30s, 5m, 1h',
});

export const AlertSeverity = Type.Union([
  Type.Literal('critical'),
  Type.Literal('warning'),
  Type.Literal('info'),
]);
export type AlertSeverity = Static<typeof AlertSeverity>;

export const AlertOperator = Type.Union([
  Type.Literal('>'),
  Type.Literal('>='),
  Type.Literal('<'),
  Type.Literal('<='),
]);
export type AlertOperator = Static<typeof AlertOperator>;

/** Count of log records matching a search (the logs explorer's language) in the window. */
export const LogCountQuery = Type.Object(
  {
    kind: Type.Literal('log_count'),
    q: Type.String({ maxLength: 4096, description: 'Search language, e.g. level:error' }),
  },
  { additionalProperties: false },
);

/** Rate, errors or duration of a service's (or operation's) requests, from its spans. */
export const TraceRedQuery = Type.Object(
  {
    kind: Type.Literal('trace_red'),
    measure: Type.Union([
      Type.Literal('error_rate'),
      Type.Literal('latency'),
      Type.Literal('rate'),
    ]),
    /** For latency: p50, p95 or p99 in milliseconds. */
    percentile: Type.Optional(
      Type.Union([Type.Literal('p50'), Type.Literal('p95'), Type.Literal('p99')]),
    ),
    service: Type.Optional(Type.String({ minLength: 1, maxLength: 256 })),
    operation: Type.Optional(Type.String({ minLength: 1, maxLength: 1024 })),
    /** Narrows the spans with the search language, e.g. http.route:/pay. */
    q: Type.Optional(Type.String({ maxLength: 4096 })),
  },
  { additionalProperties: false },
);

/** A metrics query as POST /metrics/query takes it; the rule's groupBy is its group-by. */
export const MetricAlertQuery = Type.Object(
  {
    kind: Type.Literal('metric'),
    metric: Type.String({ minLength: 1, maxLength: 1024 }),
    service: Type.Optional(Type.String({ maxLength: 256 })),
    filters: Type.Optional(Type.Array(MetricFilter, { maxItems: 50 })),
    aggregation: MetricAggregation,
    /** How the window's points become one value; avg unless set. */
    reduce: Type.Optional(
      Type.Union([
        Type.Literal('avg'),
        Type.Literal('last'),
        Type.Literal('min'),
        Type.Literal('max'),
        Type.Literal('sum'),
      ]),
    ),
  },
  { additionalProperties: false },
);

/**
 * A PromQL expression evaluated at each evaluation time, as Prometheus evaluates an alerting
 * rule: every series it returns is one alert, labelled with the series' labels. Without a
 * condition a returned series holds (write the comparison in the expression, `… > 0.5`); with
 * one, each series' value is compared as in the other kinds.
 */
export const PromQLAlertQuery = Type.Object(
  {
    kind: Type.Literal('promql'),
    expr: Type.String({ minLength: 1, maxLength: 8192, description: 'e.g. rate(x_total[5m]) > 1' }),
  },
  { additionalProperties: false },
);

export const AlertQuery = Type.Union([
  LogCountQuery,
  TraceRedQuery,
  MetricAlertQuery,
  PromQLAlertQuery,
]);
export type AlertQuery = Static<typeof AlertQuery>;
export type LogCountQuery = Static<typeof LogCountQuery>;
export type TraceRedQuery = Static<typeof TraceRedQuery>;
export type MetricAlertQuery = Static<typeof MetricAlertQuery>;
export type PromQLAlertQuery = Static<typeof PromQLAlertQuery>;

export const AlertCondition = Type.Object(
  { op: AlertOperator, threshold: Type.Number() },
  { additionalProperties: false },
);
export type AlertCondition = Static<typeof AlertCondition>;

export const NoDataPolicy = Type.Union([
  Type.Literal('ok'),
  Type.Literal('alerting'),
  Type.Literal('keep'),
]);
export type NoDataPolicy = Static<typeof NoDataPolicy>;

/** What a client sends to create or replace a rule. */
export const AlertRuleInput = Type.Object(
  {
    name: Type.String({ minLength: 1, maxLength: 256 }),
    description: Type.Optional(Type.String({ maxLength: 4096 })),
    enabled: Type.Optional(Type.Boolean({ default: true })),
    query: AlertQuery,
    /** Required, except for a PromQL rule, where every series the expression returns holds. */
    condition: Type.Optional(AlertCondition),
    /** The evaluated window ends at evaluation time (a PromQL rule: how far back its links look). */
    window: AlertDuration,
    /** How often the rule is evaluated; at least 1s. */
    interval: AlertDuration,
    /** How long the condition must hold before pending becomes firing; 0s fires at once. */
    for: AlertDuration,
    severity: AlertSeverity,
    labels: Type.Optional(
      Type.Record(Type.String({ pattern: '^[A-Za-z_][A-Za-z0-9_.]*$' }), Type.String(), {
        maxProperties: 50,
      }),
    ),
    /** One alert per value of these keys, e.g. ["service"]. */
    groupBy: Type.Optional(
      Type.Array(Type.String({ minLength: 1, maxLength: 256 }), { maxItems: 5 }),
    ),
    /** What an evaluation without data means: ok (resolve), alerting (breach) or keep the state. */
    noData: Type.Optional(NoDataPolicy),
    /** Placeholders: {{value}} {{threshold}} {{condition}} {{state}} {{rule.name}} {{group.KEY}} {{labels.KEY}} {{dashboardUrl}}. */
    message: Type.Optional(Type.String({ maxLength: 4096 })),
    channels: Type.Array(AlertChannelSchema, { maxItems: 20 }),
    /** A still-firing alert is re-sent this often; unset: never. */
    repeatInterval: Type.Optional(AlertDuration),
  },
  { additionalProperties: false },
);
export type AlertRuleInput = Static<typeof AlertRuleInput>;

export const AlertRule = Type.Object({
  id: Type.String(),
  name: Type.String(),
  description: Type.Optional(Type.String()),
  enabled: Type.Boolean(),
  query: AlertQuery,
  condition: Type.Optional(AlertCondition),
  window: Type.String(),
  interval: Type.String(),
  for: Type.String(),
  severity: AlertSeverity,
  labels: Type.Record(Type.String(), Type.String()),
  groupBy: Type.Array(Type.String()),
  noData: NoDataPolicy,
  message: Type.String(),
  channels: Type.Array(AlertChannelSchema),
  repeatInterval: Type.Optional(Type.String()),
  createdAt: Type.String(),
  updatedAt: Type.String(),
});
export type AlertRule = Static<typeof AlertRule>;

export const AlertRuleParams = Type.Object({ id: Type.String({ minLength: 1, maxLength: 64 }) });
export const AlertRuleList = Type.Object({ rules: Type.Array(AlertRule) });
export type AlertRuleList = Static<typeof AlertRuleList>;

export const AlertStateName = Type.Union([
  Type.Literal('inactive'),
  Type.Literal('pending'),
  Type.Literal('firing'),
  Type.Literal('resolved'),
]);
export type AlertStateName = Static<typeof AlertStateName>;

/** One alert: a rule's group (or the rule itself without group-by) and where it stands. */
export const AlertInstance = Type.Object({
  ruleId: Type.String(),
  ruleName: Type.String(),
  severity: AlertSeverity,
  groupKey: Type.String(),
  groupLabels: Type.Record(Type.String(), Type.String()),
  state: AlertStateName,
  /** The last evaluated value; NaN and ±Inf as "NaN", "+Inf", "-Inf". */
  value: PointValueSchema,
  /** When the condition started to hold (pending), fired, or resolved; ISO 8601. */
  activeSince: Type.Union([Type.String(), Type.Null()]),
  firedAt: Type.Union([Type.String(), Type.Null()]),
  resolvedAt: Type.Union([Type.String(), Type.Null()]),
  lastEvaluatedAt: Type.String(),
  silenced: Type.Boolean(),
  dashboardUrl: Type.String(),
});
export type AlertInstance = Static<typeof AlertInstance>;

export const AlertsQuery = Type.Object({
  ruleId: Type.Optional(Type.String({ maxLength: 64 })),
  state: Type.Optional(AlertStateName),
});
export const AlertsResponse = Type.Object({ alerts: Type.Array(AlertInstance) });
export type AlertsResponse = Static<typeof AlertsResponse>;

export const AlertHistoryQuery = Type.Object({
  ruleId: Type.Optional(Type.String({ maxLength: 64 })),
  groupKey: Type.Optional(Type.String({ maxLength: 1024 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
export const AlertHistoryEntry = Type.Object({
  ruleId: Type.String(),
  ruleName: Type.String(),
  groupKey: Type.String(),
  groupLabels: Type.Record(Type.String(), Type.String()),
  from: AlertStateName,
  to: AlertStateName,
  /** NaN and ±Inf as "NaN", "+Inf", "-Inf". */
  value: PointValueSchema,
  /** null: the rule has no threshold (PromQL without a condition). */
  threshold: Type.Union([Type.Number(), Type.Null()]),
  /** The evaluation had no data and the rule's noData policy decided. */
  noData: Type.Boolean(),
  silenced: Type.Boolean(),
  at: Type.String(),
});
export type AlertHistoryEntry = Static<typeof AlertHistoryEntry>;
export const AlertHistoryResponse = Type.Object({ entries: Type.Array(AlertHistoryEntry) });

export const AlertDeliveriesQuery = Type.Object({
  ruleId: Type.Optional(Type.String({ maxLength: 64 })),
  limit: Type.Optional(Type.Integer({ minimum: 1, maximum: 1000 })),
});
/** One attempt to deliver a notification to one channel (credentials never recorded). */
export const AlertDelivery = Type.Object({
  notificationId: Type.String(),
  ruleId: Type.String(),
  /** e.g. 'webhook:https://host/path', 'slack:hooks.slack.com', 'email:a@b' */
  channel: Type.String(),
  attempt: Type.Integer(),
  ok: Type.Boolean(),
  /** HTTP status, or the SMTP reply code for email; null when nothing answered. */
  status: Type.Union([Type.Integer(), Type.Null()]),
  error: Type.String(),
  at: Type.String(),
});
export type AlertDelivery = Static<typeof AlertDelivery>;
export const AlertDeliveriesResponse = Type.Object({ deliveries: Type.Array(AlertDelivery) });

/** Mutes notifications of one rule, or of every alert whose labels match, until `endsAt`. */
export const AlertSilenceInput = Type.Object(
  {
    ruleId: Type.Optional(Type.String({ minLength: 1, maxLength: 64 })),
    /** Every key must equal: matched against the rule's labels and the alert's group labels. */
    matchers: Type.Optional(
      Type.Record(Type.String({ minLength: 1 }), Type.String(), { maxProperties: 20 }),
    ),
    endsAt: Type.String({ description: 'ISO 8601 or epoch ms' }),
    startsAt: Type.Optional(Type.String()),
    comment: Type.Optional(Type.String({ maxLength: 1024 })),
  },
  { additionalProperties: false },
);
export type AlertSilenceInput = Static<typeof AlertSilenceInput>;

export const AlertSilence = Type.Object({
  id: Type.String(),
  ruleId: Type.Union([Type.String(), Type.Null()]),
  matchers: Type.Record(Type.String(), Type.String()),
  startsAt: Type.String(),
  endsAt: Type.String(),
  comment: Type.String(),
  active: Type.Boolean(),
});
export type AlertSilence = Static<typeof AlertSilence>;
export const AlertSilenceList = Type.Object({ silences: Type.Array(AlertSilence) });

/** Evaluates a draft rule over past data: what would it have done? */
export const AlertPreviewRequest = Type.Object(
  {
    rule: AlertRuleInput,
    /** Hours back from now to replay; 1 unless set. */
    hours: Type.Optional(Type.Number({ exclusiveMinimum: 0, maximum: 168 })),
  },
  { additionalProperties: false },
);
export type AlertPreviewRequest = Static<typeof AlertPreviewRequest>;

export const AlertPreviewResponse = Type.Object({
  from: Type.Number(),
  to: Type.Number(),
  /** Milliseconds between evaluations replayed. */
  step: Type.Number(),
  threshold: Type.Union([Type.Number(), Type.Null()]),
  condition: Type.String(),
  series: Type.Array(
    Type.Object({
      groupKey: Type.String(),
      labels: Type.Record(Type.String(), Type.String()),
      points: Type.Array(SeriesPoint),
    }),
  ),
  transitions: Type.Array(
    Type.Object({
      groupKey: Type.String(),
      at: Type.Number(),
      from: AlertStateName,
      to: AlertStateName,
      /** As in the points: a number, "NaN", "+Inf", "-Inf", or null for no data. */
      value: PointValueSchema,
    }),
  ),
});
export type AlertPreviewResponse = Static<typeof AlertPreviewResponse>;
