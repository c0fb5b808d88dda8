import { describe, expect, it } from 'vitest';
import { decideNotification } from './notify-decision.ts';
import type { AlertState } from './state-machine.ts';

const firing: AlertState = {
  state: 'firing',
  value: 1,
  activeSince: 1000,
  firedAt: 3000,
  resolvedAt: null,
};
const none = { state: '' as const, atMs: null };

describe('notification decision', () => {
  it('announces a firing alert once, with an id stable for the episode', () => {
    const d = decideNotification('r1', 'service=a', firing, none, null, 3000);
    expect(d).toEqual({
      kind: 'firing',
      repeat: false,
      notificationId: 'r1/service=a/firing/3000',
    });
    expect(
      decideNotification('r1', 'service=a', firing, { state: 'firing', atMs: 3000 }, null, 9000),
    ).toBeNull();
  });

  it('repeats a still-firing alert after the repeat interval', () => {
    const notified = { state: 'firing' as const, atMs: 3000 };
    expect(decideNotification('r', '', firing, notified, 5000, 7000)).toBeNull();
    expect(decideNotification('r', '', firing, notified, 5000, 8000)).toEqual({
      kind: 'firing',
      repeat: true,
      notificationId: 'r//firing/3000/1',
    });
  });

  it('announces a resolve only of an alert whose firing was announced', () => {
    const resolved: AlertState = { ...firing, state: 'resolved', resolvedAt: 9000 };
    expect(decideNotification('r', '', resolved, none, null, 9000)).toBeNull();
    expect(
      decideNotification('r', '', resolved, { state: 'firing', atMs: 3000 }, null, 9000),
    ).toEqual({ kind: 'resolved', repeat: false, notificationId: 'r//resolved/9000' });
    expect(
      decideNotification('r', '', resolved, { state: 'resolved', atMs: 9000 }, null, 10_000),
    ).toBeNull();
  });

  it('announces a new episode even when the last announcement was a firing of an older one', () => {
    const again: AlertState = { ...firing, firedAt: 20_000 };
    expect(
      decideNotification('r', '', again, { state: 'firing', atMs: 3000 }, null, 20_000)
        ?.notificationId,
    ).toBe('r//firing/20000');
  });
});
