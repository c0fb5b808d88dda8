import { describe, expect, it } from 'vitest';
import { INITIAL_STATE, step, type AlertState, type StepInput } from './state-machine.ts';

const gt = { op: '>' as const, threshold: 0.05 };
const run = (
  values: readonly (number | null)[],
  opts: Partial<Omit<StepInput, 'prev' | 'value' | 'nowMs'>> = {},
) => {
  let prev: AlertState = INITIAL_STATE;
  const seen: string[] = [];
  values.forEach((value, i) => {
    const r = step({
      prev,
      value,
      condition: opts.condition ?? gt,
      forMs: opts.forMs ?? 2000,
      noData: opts.noData ?? 'keep',
      nowMs: i * 1000,
    });
    prev = r.next;
    seen.push(r.next.state);
  });
  return { seen, last: prev };
};

describe('alert state machine', () => {
  it('goes pending, fires once the condition held for "for", and resolves when it stops', () => {
    const { seen, last } = run([0, 0.1, 0.2, 0.3, 0.01, 0.01]);
    expect(seen).toEqual(['inactive', 'pending', 'pending', 'firing', 'resolved', 'resolved']);
    expect(last.firedAt).toBe(3000);
    expect(last.resolvedAt).toBe(4000);
  });

  it('drops back to inactive when the condition stops before "for" elapsed', () => {
    expect(run([0.1, 0.01, 0.1]).seen).toEqual(['pending', 'inactive', 'pending']);
  });

  it('fires on the first breach with for = 0, recording both transitions', () => {
    const r = step({
      prev: INITIAL_STATE,
      value: 1,
      condition: gt,
      forMs: 0,
      noData: 'keep',
      nowMs: 5,
    });
    expect(r.next.state).toBe('firing');
    expect(r.transitions).toEqual([
      { from: 'inactive', to: 'pending' },
      { from: 'pending', to: 'firing' },
    ]);
  });

  it('compares with each operator, threshold inclusive only for >= and <=', () => {
    const at = (op: '>' | '>=' | '<' | '<=', v: number) =>
      step({
        prev: INITIAL_STATE,
        value: v,
        condition: { op, threshold: 10 },
        forMs: 0,
        noData: 'keep',
        nowMs: 0,
      }).next.state;
    expect([at('>', 10), at('>=', 10), at('<', 10), at('<=', 10)]).toEqual([
      'inactive',
      'firing',
      'inactive',
      'firing',
    ]);
    expect(at('<', 9.9)).toBe('firing');
  });

  it('handles no data by policy: keep holds the state, ok resolves, alerting breaches', () => {
    expect(run([0.1, 0.1, 0.1, null, null], { noData: 'keep' }).seen).toEqual([
      'pending',
      'pending',
      'firing',
      'firing',
      'firing',
    ]);
    expect(run([0.1, 0.1, 0.1, null], { noData: 'ok' }).seen.at(-1)).toBe('resolved');
    expect(run([null, null, null], { noData: 'alerting' }).seen).toEqual([
      'pending',
      'pending',
      'firing',
    ]);
  });

  it('reports no-data evaluations as such', () => {
    const r = step({
      prev: INITIAL_STATE,
      value: null,
      condition: gt,
      forMs: 0,
      noData: 'ok',
      nowMs: 0,
    });
    expect(r.noData).toBe(true);
    expect(r.transitions).toEqual([]);
  });
});
