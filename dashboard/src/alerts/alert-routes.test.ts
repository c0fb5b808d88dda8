import { describe, expect, it } from 'vitest';
import { alertEditPath, matchAlertRoute } from './alert-routes.ts';

describe('matchAlertRoute', () => {
  it('maps the four alert pages', () => {
    expect(matchAlertRoute('/alerts')).toEqual({ view: 'alerts' });
    expect(matchAlertRoute('/alerts/new')).toEqual({ view: 'alert-new' });
    expect(matchAlertRoute('/alerts/r%2F1')).toEqual({ view: 'alert', id: 'r/1' });
    expect(matchAlertRoute(alertEditPath('r/1'))).toEqual({ view: 'alert-edit', id: 'r/1' });
  });
  it('leaves other paths to the main router', () => {
    expect(matchAlertRoute('/services')).toBeNull();
    expect(matchAlertRoute('/alerts/r1/history')).toBeNull();
    expect(matchAlertRoute('/alerts/new/edit')).toBeNull();
    expect(matchAlertRoute('/alerts/r1/edit/x')).toBeNull();
  });
});
