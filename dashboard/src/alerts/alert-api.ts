import { Type } from 'typebox';
import {
  AlertDeliveriesResponse,
  AlertHistoryResponse,
  AlertPreviewResponse,
  AlertRule,
  AlertRuleList,
  AlertSilence,
  AlertSilenceList,
  AlertsResponse,
  type AlertRuleInput,
  type AlertSilenceInput,
  type AlertStateName,
} from '@sightline/model/api/alerts';
import { AlertRulesImportResponse } from '@sightline/model/api/alert-import';
import { apiGet, apiPost, apiSend } from '../api.ts';

const rulePath = (id: string) => `/alerts/rules/${encodeURIComponent(id)}`;

export const listRules = (signal?: AbortSignal) =>
  apiGet(AlertRuleList, '/alerts/rules', {}, signal);
export const getRule = (id: string, signal?: AbortSignal) =>
  apiGet(AlertRule, rulePath(id), {}, signal);
export const createRule = (input: AlertRuleInput) => apiPost(AlertRule, '/alerts/rules', input);
export const replaceRule = (id: string, input: AlertRuleInput) =>
  apiSend(AlertRule, 'PUT', rulePath(id), input);
export const deleteRule = (id: string) => apiSend(Type.Null(), 'DELETE', rulePath(id));

export const listAlerts = (
  query: { ruleId?: string; state?: AlertStateName },
  signal?: AbortSignal,
) => apiGet(AlertsResponse, '/alerts', query, signal);
export const readHistory = (ruleId: string, limit: number, signal?: AbortSignal) =>
  apiGet(AlertHistoryResponse, '/alerts/history', { ruleId, limit }, signal);

export const readDeliveries = (ruleId: string, limit: number, signal?: AbortSignal) =>
  apiGet(AlertDeliveriesResponse, '/alerts/deliveries', { ruleId, limit }, signal);

export const listSilences = (signal?: AbortSignal) =>
  apiGet(AlertSilenceList, '/alerts/silences', {}, signal);
export const createSilence = (input: AlertSilenceInput) =>
  apiPost(AlertSilence, '/alerts/silences', input);
export const expireSilence = (id: string) =>
  apiSend(Type.Null(), 'DELETE', `/alerts/silences/${encodeURIComponent(id)}`);

export const previewRule = (rule: AlertRuleInput, hours: number, signal?: AbortSignal) =>
  apiPost(AlertPreviewResponse, '/alerts/preview', { rule, hours }, signal);

export const importPrometheusRules = (yaml: string) =>
  apiPost(AlertRulesImportResponse, '/alerts/rules/import', { yaml });
