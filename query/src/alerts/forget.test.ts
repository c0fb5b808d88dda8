import { describe, expect, it } from 'vitest';
import { canForget, FORGET_AFTER_MISSING_EVALS, type ForgetInput } from './forget.ts';
import { INITIAL_STATE } from './state-machine.ts';

const gone: ForgetInput = {
  groupKey: 'service=old-pod',
  missingEvals: FORGET_AFTER_MISSING_EVALS,
  next: { ...INITIAL_STATE, state: 'resolved', resolvedAt: 1000, firedAt: 500 },
  notified: { state: 'resolved', atMs: 1000 },
};

describe('canForget', () => {
  it('forgets a resolved group that has been missing long enough and was announced resolved', () => {
    expect(canForget(gone)).toBe(true);
    expect(canForget({ ...gone, next: INITIAL_STATE, notified: { state: '', atMs: null } })).toBe(
      true,
    );
  });

  it('keeps a group missing from fewer evaluations', () => {
    expect(canForget({ ...gone, missingEvals: FORGET_AFTER_MISSING_EVALS - 1 })).toBe(false);
    expect(canForget({ ...gone, missingEvals: 0 })).toBe(false);
  });

  it('keeps the single alert of a rule without group-by', () => {
    expect(canForget({ ...gone, groupKey: '' })).toBe(false);
  });

  it('keeps pending and firing alerts', () => {
    for (const state of ['pending', 'firing'] as const) {
      expect(canForget({ ...gone, next: { ...gone.next, state } })).toBe(false);
    }
  });

  it('keeps an alert whose firing was announced until its resolution is', () => {
    expect(canForget({ ...gone, notified: { state: 'firing', atMs: 500 } })).toBe(false);
  });
});
