import { toPointValue } from '@sightline/model/prom-value';
import type { FastifyPluginCallbackTypebox } from '@fastify/type-provider-typebox';
import { Type } from 'typebox';
import { ErrorResponse } from '@sightline/model/api/common';
import {
  AlertDeliveriesQuery,
  AlertDeliveriesResponse,
  AlertHistoryQuery,
  AlertHistoryResponse,
  AlertPreviewRequest,
  AlertPreviewResponse,
  AlertRule,
  AlertRuleInput,
  AlertRuleList,
  AlertRuleParams,
  AlertsQuery,
  AlertsResponse,
  type AlertDelivery,
  type AlertInstance,
} from '@sightline/model/api/alerts';
import {
  AlertRulesImportRequest,
  AlertRulesImportResponse,
} from '@sightline/model/api/alert-import';
import { readDeliveries } from '@sightline/store/alerts/deliveries';
import { readHistory } from '@sightline/store/alerts/history';
import { getRule, listRules } from '@sightline/store/alerts/rules';
import { loadStates } from '@sightline/store/alerts/states';
import type { StoreClients } from '@sightline/store/client-factory';
import { maskRule } from '../alerts/channel-secrets.ts';
import { parseDuration } from '../alerts/duration.ts';
import { dashboardUrl } from '../alerts/links.ts';
import { previewRule } from '../alerts/preview.ts';
import { importPrometheusRules } from '../alerts/prom-rules-import.ts';
import { createRule, deleteRule, listSilences, replaceRule } from '../alerts/rules.ts';
import { isSilenced } from '../alerts/silences.ts';

export interface AlertRouteOptions {
  readonly store: StoreClients;
  /** Base of dashboard links in alerts and notifications. */
  readonly publicUrl: () => string;
}

/** `HTTP 500: <the receiver's reply>` → `HTTP 500 (reply shown to admins only)`. */
export function withoutReplyBody(d: AlertDelivery): AlertDelivery {
  const m = /^HTTP (\d{3}): /.exec(d.error);
  return m ? { ...d, error: `HTTP ${m[1]} (reply shown to admins only)` } : d;
}

const iso = (ms: number | null): string | null => (ms === null ? null : new Date(ms).toISOString());

/** Alert rules, the alerts they produce, their history and previews of draft rules. */
export const alertRoutes: FastifyPluginCallbackTypebox<AlertRouteOptions> = (app, opts, done) => {
  const store = opts.store;

  app.get(
    '/alerts/rules',
    { schema: { summary: 'Every alert rule', response: { 200: AlertRuleList } } },
    async () => ({ rules: (await listRules(store)).map(maskRule) }),
  );

  app.post(
    '/alerts/rules',
    {
      schema: {
        summary: 'Create an alert rule',
        body: AlertRuleInput,
        response: { 201: AlertRule, 400: ErrorResponse },
      },
    },
    async (req, reply) => reply.code(201).send(maskRule(await createRule(store, req.body))),
  );

  app.post(
    '/alerts/rules/import',
    {
      schema: {
        summary: 'Import a Prometheus alerting-rule file (YAML) as PromQL alert rules',
        description:
          'Each alerting rule (alert, expr, for, labels, annotations) becomes a PromQL rule; recording rules are listed as skipped. A file with any rule wrong answers 400 naming the group, the rule and the field, and imports nothing.',
        body: AlertRulesImportRequest,
        response: { 201: AlertRulesImportResponse, 400: ErrorResponse },
      },
    },
    async (req, reply) => {
      const { rules, skipped, warnings } = importPrometheusRules(req.body.yaml, req.body);
      const created = [];
      for (const input of rules) created.push(maskRule(await createRule(store, input)));
      return reply.code(201).send({ created, skipped, warnings });
    },
  );

  app.get(
    '/alerts/rules/:id',
    {
      schema: {
        summary: 'One alert rule',
        params: AlertRuleParams,
        response: { 200: AlertRule, 404: ErrorResponse },
      },
    },
    async (req) => maskRule(await getRule(store, req.params.id)),
  );

  app.put(
    '/alerts/rules/:id',
    {
      schema: {
        summary: 'Replace an alert rule',
        params: AlertRuleParams,
        body: AlertRuleInput,
        response: { 200: AlertRule, 400: ErrorResponse, 404: ErrorResponse },
      },
    },
    async (req) => maskRule(await replaceRule(store, req.params.id, req.body)),
  );

  app.delete(
    '/alerts/rules/:id',
    {
      schema: {
        summary: 'Delete an alert rule',
        params: AlertRuleParams,
        response: { 204: Type.Null(), 404: ErrorResponse },
      },
    },
    async (req, reply) => {
      await deleteRule(store, req.params.id);
      return reply.code(204).send(null);
    },
  );

  app.get(
    '/alerts',
    {
      schema: {
        summary: 'Current alerts: every rule × group with its state',
        querystring: AlertsQuery,
        response: { 200: AlertsResponse },
      },
    },
    async (req) => {
      const now = Date.now();
      const [rules, states, silences] = await Promise.all([
        listRules(store),
        loadStates(store, req.query.ruleId),
        listSilences(store, now),
      ]);
      const byId = new Map(rules.map((r) => [r.id, r]));
      const alerts: AlertInstance[] = [];
      for (const s of states) {
        const rule = byId.get(s.ruleId);
        if (!rule) continue;
        if (req.query.state !== undefined && s.state.state !== req.query.state) continue;
        const windowMs = parseDuration(rule.window, 'window');
        const since = s.state.firedAt ?? s.state.activeSince ?? s.evaluatedAtMs;
        alerts.push({
          ruleId: rule.id,
          ruleName: rule.name,
          severity: rule.severity,
          groupKey: s.groupKey,
          groupLabels: s.groupLabels,
          state: s.state.state,
          value: toPointValue(s.state.value),
          activeSince: iso(s.state.activeSince),
          firedAt: iso(s.state.firedAt),
          resolvedAt: iso(s.state.resolvedAt),
          lastEvaluatedAt: new Date(s.evaluatedAtMs).toISOString(),
          silenced: isSilenced(silences, rule.id, rule.labels, s.groupLabels, now),
          dashboardUrl: dashboardUrl(
            opts.publicUrl(),
            rule.query,
            s.groupLabels,
            since - windowMs,
            now,
          ),
        });
      }
      return { alerts };
    },
  );

  app.get(
    '/alerts/history',
    {
      schema: {
        summary: 'State changes of alerts, newest first',
        querystring: AlertHistoryQuery,
        response: { 200: AlertHistoryResponse },
      },
    },
    async (req) => ({
      entries: await readHistory(store, {
        ruleId: req.query.ruleId,
        groupKey: req.query.groupKey,
        limit: req.query.limit ?? 200,
      }),
    }),
  );

  app.get(
    '/alerts/deliveries',
    {
      schema: {
        summary: 'Notification delivery attempts, newest first',
        querystring: AlertDeliveriesQuery,
        response: { 200: AlertDeliveriesResponse },
      },
    },
    async (req) => {
      const deliveries = await readDeliveries(store, {
        ruleId: req.query.ruleId,
        limit: req.query.limit ?? 200,
      });
      // A receiver's reply may be an internal service's answer: only admins read it. Auth off
      // (no principal) is the loopback owner.
      const admin = !req.principal || req.principal.scopes.has('admin');
      return { deliveries: admin ? deliveries : deliveries.map(withoutReplyBody) };
    },
  );

  app.post(
    '/alerts/preview',
    {
      schema: {
        summary: 'What a draft rule would have done over the last hours',
        description:
          'Replays the rule at evenly spaced instants (its interval, coarser for long spans; at ' +
          'most 60) and returns each group’s series, the threshold and the state changes.',
        body: AlertPreviewRequest,
        response: { 200: AlertPreviewResponse, 400: ErrorResponse },
      },
    },
    async (req) =>
      previewRule({ client: store.reader, database: store.database }, req.body, Date.now()),
  );
  done();
};
