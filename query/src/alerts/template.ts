import { specialValue } from '@sightline/model/prom-value';
import { SightlineError } from '@sightline/model/errors';

export const DEFAULT_MESSAGE =
  '[{{state}}] {{rule.name}}{{group}}: {{value}} (alert when {{condition}}) {{dashboardUrl}}';

/** What a message template can refer to when it is rendered. */
export interface TemplateContext {
  readonly ruleName: string;
  readonly ruleId: string;
  readonly severity: string;
  readonly state: string;
  readonly value: number | null;
  readonly threshold: number | null;
  readonly condition: string;
  readonly groupKey: string;
  readonly groupLabels: Readonly<Record<string, string>>;
  readonly labels: Readonly<Record<string, string>>;
  readonly dashboardUrl: string;
}

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_.-]*)\s*\}\}/g;
const SIMPLE = new Set([
  'value',
  'threshold',
  'condition',
  'state',
  'severity',
  'group',
  'groupKey',
  'dashboardUrl',
  'rule.name',
  'rule.id',
]);
const PREFIXED = ['group.', 'labels.'];

/** Throws a 400 naming `field` for a placeholder the renderer does not know. */
export function checkTemplate(template: string, field: string): void {
  for (const m of template.matchAll(PLACEHOLDER)) {
    const name = m[1] ?? '';
    if (SIMPLE.has(name)) continue;
    if (PREFIXED.some((p) => name.startsWith(p) && name.length > p.length)) continue;
    throw new SightlineError(
      'SL_ERR_VALIDATION',
      400,
      `${field}: unknown placeholder {{${name}}}; use value, threshold, condition, state, severity, group, groupKey, dashboardUrl, rule.name, rule.id, group.KEY or labels.KEY`,
    );
  }
}

/** Up to 4 significant digits, without a trailing exponent for everyday magnitudes. */
export function formatValue(v: number | null): string {
  if (v === null) return 'no data';
  const special = specialValue(v);
  if (special) return special;
  if (Number.isInteger(v)) return String(v);
  return String(Number(v.toPrecision(4)));
}

export function renderTemplate(template: string, c: TemplateContext): string {
  return template.replace(PLACEHOLDER, (_, name: string) => {
    switch (name) {
      case 'value':
        return formatValue(c.value);
      case 'threshold':
        return formatValue(c.threshold);
      case 'condition':
        return c.condition;
      case 'state':
        return c.state;
      case 'severity':
        return c.severity;
      case 'group':
        return c.groupKey === '' ? '' : ` (${c.groupKey})`;
      case 'groupKey':
        return c.groupKey;
      case 'dashboardUrl':
        return c.dashboardUrl;
      case 'rule.name':
        return c.ruleName;
      case 'rule.id':
        return c.ruleId;
      default:
        if (name.startsWith('group.')) return c.groupLabels[name.slice(6)] ?? '';
        if (name.startsWith('labels.')) return c.labels[name.slice(7)] ?? '';
        return '';
    }
  });
}
