import { Type, type Static } from 'typebox';
import { AlertChannelSchema } from './alert-channels.ts';
import { AlertRule, AlertSeverity } from './alerts.ts';

/** A Prometheus alerting-rule file (YAML, `groups:` → `rules:`) to turn into PromQL alert rules. */
export const AlertRulesImportRequest = Type.Object(
  {
    /** The file's text, as promtool check rules reads it. */
    yaml: Type.String({ minLength: 1, maxLength: 1_000_000 }),
    /** Where the imported rules notify; none unless set. */
    channels: Type.Optional(Type.Array(AlertChannelSchema, { maxItems: 20 })),
    /** For rules whose `severity` label is not critical, warning or info; warning unless set. */
    severity: Type.Optional(AlertSeverity),
  },
  { additionalProperties: false },
);
export type AlertRulesImportRequest = Static<typeof AlertRulesImportRequest>;

/** A rule of the file that was not imported, and why (recording rules are not alerts). */
export const SkippedRule = Type.Object({
  group: Type.String(),
  rule: Type.String(),
  reason: Type.String(),
});
export type SkippedRule = Static<typeof SkippedRule>;

export const AlertRulesImportResponse = Type.Object({
  created: Type.Array(AlertRule),
  skipped: Type.Array(SkippedRule),
  /** What was imported with a change, e.g. an annotation template Sightline cannot render. */
  warnings: Type.Array(Type.String()),
});
export type AlertRulesImportResponse = Static<typeof AlertRulesImportResponse>;
