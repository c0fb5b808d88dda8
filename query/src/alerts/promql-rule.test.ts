import { describe, expect, it } from 'vitest';
import type { AlertRuleInput } from '@sightline/model/api/alerts';
import { INITIAL_STATE, step } from './state-machine.ts';
import { validateRule } from './validate.ts';
import { message400 } from './expect-400.ts';

const rule: AlertRuleInput = {
  name: 'node seen',
  query: { kind: 'promql', expr: 'up{job="node"}' },
  window: '5m',
  interval: '30s',
  for: '1m',
  severity: 'critical',
  channels: [],
};

const messageOf = (input: AlertRuleInput): string => message400(() => validateRule(input));

describe('PromQL alert rules', () => {
  it('need no condition, and a series no longer returned resolves by default', () => {
    const n = validateRule(rule);
    expect(n.noData).toBe('ok');
    expect(n.forMs).toBe(60_000);
    expect(validateRule({ ...rule, noData: 'keep' }).noData).toBe('keep');
  });

  it('accept a condition on the returned values', () => {
    expect(() =>
      validateRule({
        ...rule,
        query: { kind: 'promql', expr: 'rate(x_total[5m])' },
        condition: { op: '>', threshold: 1 },
      }),
    ).not.toThrow();
  });

  it('name the expression when it does not parse, with the position', () => {
    const m = messageOf({ ...rule, query: { kind: 'promql', expr: 'sum(rate(x[5m])' } });
    expect(m).toMatch(/^query\.expr: /);
  });

  it('refuse a range vector or a string: an alert needs instants', () => {
    expect(messageOf({ ...rule, query: { kind: 'promql', expr: 'x[5m]' } })).toMatch(
      /^query\.expr: .*range vector/,
    );
    expect(messageOf({ ...rule, query: { kind: 'promql', expr: '"text"' } })).toMatch(
      /^query\.expr: .*string/,
    );
  });

  it('take their groups from the series, not from groupBy', () => {
    expect(messageOf({ ...rule, groupBy: ['job'] })).toMatch(/^groupBy: /);
  });

  it('other kinds still need a condition', () => {
    expect(messageOf({ ...rule, query: { kind: 'log_count', q: 'level:error' } })).toMatch(
      /^condition: is required for a log_count rule/,
    );
  });
});

describe('state machine without a condition', () => {
  const cfg = { condition: undefined, forMs: 60_000, noData: 'ok' as const };
  it('a returned series holds whatever its value, NaN included; pending, then firing after for', () => {
    const a = step({ ...cfg, prev: INITIAL_STATE, value: Number.NaN, nowMs: 0 });
    expect(a.next.state).toBe('pending');
    const b = step({ ...cfg, prev: a.next, value: 0, nowMs: 30_000 });
    expect(b.next.state).toBe('pending');
    const c = step({ ...cfg, prev: b.next, value: -5, nowMs: 60_000 });
    expect(c.next.state).toBe('firing');
    expect(c.next.value).toBe(-5);
  });

  it('a series that stops being returned resolves', () => {
    const firing = step({ ...cfg, forMs: 0, prev: INITIAL_STATE, value: 1, nowMs: 0 }).next;
    const gone = step({ ...cfg, prev: firing, value: null, nowMs: 30_000 });
    expect(gone.next.state).toBe('resolved');
    expect(gone.transitions).toEqual([{ from: 'firing', to: 'resolved' }]);
  });
});
