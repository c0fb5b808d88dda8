import { describe, expect, it } from 'vitest';
import { checkTemplate, DEFAULT_MESSAGE, formatValue, renderTemplate } from './template.ts';

const ctx = {
  ruleName: 'Checkout errors',
  ruleId: 'r1',
  severity: 'critical',
  state: 'firing',
  value: 0.123456,
  threshold: 0.05,
  condition: '> 0.05',
  groupKey: 'service=checkout',
  groupLabels: { service: 'checkout' },
  labels: { team: 'payments' },
  dashboardUrl: 'http://dash/services/checkout',
};

describe('message templates', () => {
  it('fills every placeholder', () => {
    expect(
      renderTemplate(
        '{{rule.name}} {{ state }} {{value}} {{threshold}} {{condition}} {{group.service}} {{labels.team}} {{severity}} {{groupKey}} {{dashboardUrl}} {{group.missing}}.',
        ctx,
      ),
    ).toBe(
      'Checkout errors firing 0.1235 0.05 > 0.05 checkout payments critical service=checkout http://dash/services/checkout .',
    );
  });

  it('has a default that names the rule, the group, the value and the link', () => {
    expect(renderTemplate(DEFAULT_MESSAGE, ctx)).toBe(
      '[firing] Checkout errors (service=checkout): 0.1235 (alert when > 0.05) http://dash/services/checkout',
    );
  });

  it('refuses unknown placeholders, naming the field', () => {
    expect(() => checkTemplate('{{valu}}', 'message')).toThrow(
      /^message: unknown placeholder \{\{valu\}\}/,
    );
    expect(() => checkTemplate('{{group.}}', 'message')).toThrow(/unknown placeholder/);
    expect(() =>
      checkTemplate('{{group.service}} {{labels.x}} {{value}}', 'message'),
    ).not.toThrow();
  });

  it('formats values readably', () => {
    expect([
      formatValue(null),
      formatValue(12),
      formatValue(2 / 3),
      formatValue(1234.5678),
      formatValue(NaN),
      formatValue(Infinity),
      formatValue(-Infinity),
    ]).toEqual(['no data', '12', '0.6667', '1235', 'NaN', '+Inf', '-Inf']);
  });
});
