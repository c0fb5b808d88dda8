import { describe, expect, it } from 'vitest';
import { convertTemplate, importPrometheusRules, toAlertDuration } from './prom-rules-import.ts';
import { message400 } from './expect-400.ts';

const FILE = `
groups:
  - name: node
    interval: 30s
    rules:
      - alert: InstanceGone
        expr: up{job="node"}
        for: 1h30m
        labels:
          severity: critical
          team: infra
        annotations:
          summary: "{{ $labels.instance }} of {{ $labels.job }} reports {{ $value }}"
          runbook_url: https://runbooks.example/node
      - record: job:up:sum
        expr: sum by (job) (up)
  - name: api
    labels:
      service: checkout
    rules:
      - alert: Slow
        expr: histogram_quantile(0.99, sum by (le) (rate(http_server_duration_seconds_bucket[5m])))
        labels:
          severity: page
        annotations:
          description: 'p99 is {{ $value | humanizeDuration }}'
`;

const messageOf = (text: string): string => message400(() => importPrometheusRules(text));

describe('Prometheus alerting-rule import', () => {
  it('turns each alerting rule into a PromQL rule and lists recording rules as skipped', () => {
    const { rules, skipped, warnings } = importPrometheusRules(FILE, { severity: 'info' });
    expect(rules).toHaveLength(2);
    expect(rules[0]).toEqual({
      name: 'InstanceGone',
      description:
        'summary: {{ $labels.instance }} of {{ $labels.job }} reports {{ $value }}\nrunbook_url: https://runbooks.example/node',
      query: { kind: 'promql', expr: 'up{job="node"}' },
      window: '5m',
      interval: '30s',
      for: '90m',
      severity: 'critical',
      labels: { severity: 'critical', team: 'infra' },
      channels: [],
      message: '{{group.instance}} of {{group.job}} reports {{value}}',
    });
    // The group's labels ride along; an unknown severity takes the one asked for.
    expect(rules[1]).toMatchObject({
      name: 'Slow',
      interval: '1m',
      for: '0s',
      severity: 'info',
      labels: { service: 'checkout', severity: 'page' },
    });
    expect(rules[1]).not.toHaveProperty('message');
    expect(skipped).toEqual([
      {
        group: 'node',
        rule: 'job:up:sum',
        reason: 'recording rule (only alerting rules are imported)',
      },
    ]);
    expect(warnings).toEqual([
      "group 'api' rule 1 ('Slow'): the annotation template cannot be rendered here; the default message is used",
    ]);
  });

  it('names the group, the rule and the field at fault', () => {
    expect(messageOf('groups:\n  - name: g\n    rules:\n      - alert: A\n')).toBe(
      "group 'g' rule 1 ('A').expr: is required",
    );
    expect(
      messageOf(
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        for: 5 minutes\n',
      ),
    ).toBe("group 'g' rule 1 ('A').for: '5 minutes' is not a Prometheus duration");
    expect(
      messageOf('groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: sum(up\n'),
    ).toMatch(/^group 'g' rule 1 \('A'\): expr: .*char/);
    expect(
      messageOf(
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        expr: up\n        severity: x\n',
      ),
    ).toBe("group 'g' rule 1 ('A').severity: is not a field of a Prometheus rule");
    expect(
      messageOf(
        'groups:\n  - name: g\n    rules:\n      - alert: A\n        record: b\n        expr: up\n',
      ),
    ).toBe("group 'g' rule 1 ('A'): needs exactly one of 'alert' or 'record'");
    expect(messageOf('groups:\n  - name: g\n    rules: []\n  - name: g\n    rules: []\n')).toBe(
      "group 'g': appears twice (group names must be unique)",
    );
    expect(messageOf('groups:\n  - rules: []\n')).toBe('groups[0].name: is required');
  });

  it('refuses what is not a rule file, saying where', () => {
    expect(messageOf('alerts: []\n')).toMatch(/^groups: the file has no 'groups:' list/);
    expect(messageOf('groups:\n  - name: [unclosed\n')).toMatch(/^yaml: line \d+ column \d+: /);
    expect(messageOf('groups:\n  - name: a\n    name: b\n    rules: []\n')).toMatch(/^yaml: /);
  });

  it('keeps durations exact in the largest whole unit, refusing fractions of a second', () => {
    expect(toAlertDuration('0s', 'for')).toBe('0s');
    expect(toAlertDuration('90s', 'for')).toBe('90s');
    expect(toAlertDuration('2h', 'for')).toBe('2h');
    expect(toAlertDuration('1w', 'for')).toBe('7d');
    expect(toAlertDuration('1h30m', 'for')).toBe('90m');
    expect(() => toAlertDuration('1500ms', 'g.for')).toThrow(
      "g.for: '1500ms' is not a whole number of seconds",
    );
  });

  it('converts the value and label references of Go templates, nothing else', () => {
    expect(convertTemplate('{{$value}} on {{ $labels.pod }} ✓')).toBe(
      '{{value}} on {{group.pod}} ✓',
    );
    expect(convertTemplate('{{ humanize $value }}')).toBe('{{value}}');
    expect(convertTemplate('{{ $value | printf "%.2f" }}')).toBeNull();
    expect(convertTemplate('{{ range $labels }}x{{ end }}')).toBeNull();
    expect(convertTemplate('plain text')).toBe('plain text');
  });
});
