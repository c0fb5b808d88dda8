import { parseDocument } from 'yaml';
import type { AlertChannel } from '@sightline/model/api/alert-channels';
import type { AlertRuleInput, AlertSeverity } from '@sightline/model/api/alerts';
import type { SkippedRule } from '@sightline/model/api/alert-import';
import { SightlineError } from '@sightline/model/errors';
import { PromQLError } from '../promql/errors.ts';
import { parseDuration as parsePromDuration } from '../promql/literals.ts';
import { validateRule } from './validate.ts';

export interface ImportOptions {
  readonly channels?: readonly AlertChannel[] | undefined;
  /** For a rule whose `severity` label is none of ours. */
  readonly severity?: AlertSeverity | undefined;
}

export interface ImportResult {
  readonly rules: AlertRuleInput[];
  readonly skipped: SkippedRule[];
  readonly warnings: string[];
}

/** Prometheus's default evaluation interval, for a group that sets none. */
const DEFAULT_INTERVAL = '1m';
/** How far back a PromQL rule's dashboard links look. */
const LINK_WINDOW = '5m';
const SEVERITIES: readonly string[] = ['critical', 'warning', 'info'];
const GROUP_FIELDS = new Set(['name', 'interval', 'rules', 'labels', 'limit', 'query_offset']);
const RULE_FIELDS = new Set([
  'alert',
  'record',
  'expr',
  'for',
  'keep_firing_for',
  'labels',
  'annotations',
]);
const LABEL_NAME = /^[A-Za-z_][A-Za-z0-9_.]*$/;

const bad = (where: string, message: string): SightlineError =>
  new SightlineError('SL_ERR_VALIDATION', 400, `${where}: ${message}`);

const isMap = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** A Prometheus duration as ours (`90s`, `5m`, `2d`): whole seconds, in the largest exact unit. */
export function toAlertDuration(text: unknown, where: string): string {
  if (typeof text !== 'string') throw bad(where, 'expected a duration such as 5m');
  let ms: number;
  try {
    ms = parsePromDuration(text, 0);
  } catch (err) {
    if (err instanceof PromQLError) throw bad(where, `'${text}' is not a Prometheus duration`);
    throw err;
  }
  if (ms % 1000 !== 0) throw bad(where, `'${text}' is not a whole number of seconds`);
  const s = ms / 1000;
  const [n, unit] =
    s % 86_400 === 0 && s > 0
      ? [s / 86_400, 'd']
      : s % 3600 === 0 && s > 0
        ? [s / 3600, 'h']
        : s % 60 === 0 && s > 0
          ? [s / 60, 'm']
          : [s, 's'];
  if (n > 9_999_999) throw bad(where, `'${text}' is too long`);
  return `${n}${unit}`;
}

function stringMap(v: unknown, where: string): Record<string, string> {
  if (v === undefined || v === null) return {};
  if (!isMap(v)) throw bad(where, 'expected a map of names to strings');
  const out: Record<string, string> = {};
  for (const [k, x] of Object.entries(v)) {
    if (!LABEL_NAME.test(k)) throw bad(`${where}.${k}`, 'is not a valid label name');
    if (typeof x !== 'string' && typeof x !== 'number' && typeof x !== 'boolean') {
      throw bad(`${where}.${k}`, 'expected a string');
    }
    out[k] = String(x);
  }
  return out;
}

/**
 * `{{ $value }}` and `{{ $labels.job }}` in Prometheus's Go templates become our `{{value}}` and
 * `{{group.job}}`; null when anything else (pipes, functions, ranges) is left.
 */
export function convertTemplate(text: string): string | null {
  const out = text
    .replace(/\{\{-?\s*(?:humanize\s+)?\$value\s*-?\}\}/g, '{{value}}')
    .replace(/\{\{-?\s*\$labels\.([A-Za-z_][A-Za-z0-9_]*)\s*-?\}\}/g, '{{group.$1}}');
  return /\{\{(?!(?:value|group\.[A-Za-z0-9_]+)\}\})/.test(out) ? null : out;
}

/**
 * A Prometheus rule file → our PromQL alert rules, checked as the API would check each one.
 * Recording rules are skipped (and listed); anything wrong is a 400 naming the group, the rule
 * and the field, and then nothing of the file is imported.
 */
export function importPrometheusRules(text: string, opts: ImportOptions = {}): ImportResult {
  const doc = parseDocument(text, { uniqueKeys: true });
  const [yamlError] = doc.errors;
  if (yamlError) {
    const line = yamlError.linePos?.[0];
    throw bad(
      'yaml',
      `${line ? `line ${line.line} column ${line.col}: ` : ''}${yamlError.message.split('\n')[0] ?? ''}`,
    );
  }
  const root: unknown = doc.toJS();
  if (!isMap(root) || !Array.isArray(root.groups)) {
    throw bad(
      'groups',
      "the file has no 'groups:' list (a Prometheus rule file starts with groups:)",
    );
  }
  const rules: AlertRuleInput[] = [];
  const skipped: SkippedRule[] = [];
  const warnings: string[] = [];
  const names = new Set<string>();
  root.groups.forEach((g: unknown, gi) => {
    if (!isMap(g)) throw bad(`groups[${gi}]`, 'expected a map with name and rules');
    const groupName = typeof g.name === 'string' ? g.name : '';
    if (groupName === '') throw bad(`groups[${gi}].name`, 'is required');
    const gWhere = `group '${groupName}'`;
    if (names.has(groupName)) throw bad(gWhere, 'appears twice (group names must be unique)');
    names.add(groupName);
    for (const k of Object.keys(g)) {
      if (!GROUP_FIELDS.has(k)) throw bad(`${gWhere}.${k}`, 'is not a field of a rule group');
    }
    const interval =
      g.interval === undefined
        ? DEFAULT_INTERVAL
        : toAlertDuration(g.interval, `${gWhere}.interval`);
    const groupLabels = stringMap(g.labels, `${gWhere}.labels`);
    if (!Array.isArray(g.rules)) throw bad(`${gWhere}.rules`, 'expected a list of rules');
    g.rules.forEach((r: unknown, ri) => {
      if (!isMap(r)) throw bad(`${gWhere} rule ${ri + 1}`, 'expected a map');
      const alert = typeof r.alert === 'string' ? r.alert : undefined;
      const record = typeof r.record === 'string' ? r.record : undefined;
      const where = `${gWhere} rule ${ri + 1}${alert ? ` ('${alert}')` : record ? ` ('${record}')` : ''}`;
      for (const k of Object.keys(r)) {
        if (!RULE_FIELDS.has(k)) throw bad(`${where}.${k}`, 'is not a field of a Prometheus rule');
      }
      if ((alert === undefined) === (record === undefined)) {
        throw bad(where, "needs exactly one of 'alert' or 'record'");
      }
      if (typeof r.expr !== 'string' && typeof r.expr !== 'number')
        throw bad(`${where}.expr`, 'is required');
      if (record !== undefined) {
        skipped.push({
          group: groupName,
          rule: record,
          reason: 'recording rule (only alerting rules are imported)',
        });
        return;
      }
      const name = alert ?? '';
      const labels = { ...groupLabels, ...stringMap(r.labels, `${where}.labels`) };
      const annotations = stringMap(r.annotations, `${where}.annotations`);
      if (r.keep_firing_for !== undefined) {
        warnings.push(
          `${where}: keep_firing_for is not supported; the alert resolves as soon as its series is gone`,
        );
      }
      const severityLabel = labels.severity ?? '';
      const severity = (
        SEVERITIES.includes(severityLabel) ? severityLabel : (opts.severity ?? 'warning')
      ) as AlertSeverity;
      const summary = annotations.summary ?? annotations.description;
      let message: string | undefined;
      if (summary !== undefined) {
        const converted = convertTemplate(summary);
        if (converted === null)
          warnings.push(
            `${where}: the annotation template cannot be rendered here; the default message is used`,
          );
        else message = converted;
      }
      const description = Object.entries(annotations)
        .map(([k, v]) => `${k}: ${v}`)
        .join('\n')
        .slice(0, 4096);
      const input: AlertRuleInput = {
        name: name.slice(0, 256),
        ...(description !== '' ? { description } : {}),
        query: { kind: 'promql', expr: String(r.expr) },
        window: LINK_WINDOW,
        interval,
        for: r.for === undefined ? '0s' : toAlertDuration(r.for, `${where}.for`),
        severity,
        labels,
        channels: [...(opts.channels ?? [])],
        ...(message !== undefined ? { message } : {}),
      };
      try {
        validateRule(input);
      } catch (err) {
        if (err instanceof SightlineError)
          throw bad(where, err.message.replace(/^query\.expr: /, 'expr: '));
        throw err;
      }
      rules.push(input);
    });
  });
  return { rules, skipped, warnings };
}
