import { describe, expect, it } from 'vitest';
import { queryRouteAccess } from './policy.ts';

describe('query route access', () => {
  it('keeps health, sign-in and the dashboard files public', () => {
    expect(queryRouteAccess('GET', '/api/v1/health')).toBe('public');
    expect(queryRouteAccess('POST', '/api/v1/auth/sign-in')).toBe('public');
    expect(queryRouteAccess('GET', '/')).toBe('public');
    expect(queryRouteAccess('GET', '/*')).toBe('public');
  });

  it('needs read to read, admin to change, and admin for keys', () => {
    expect(queryRouteAccess('GET', '/api/v1/traces/:traceId')).toBe('read');
    expect(queryRouteAccess('POST', '/api/v1/metrics/query')).toBe('read');
    expect(queryRouteAccess('GET', '/api/v1/openapi.json')).toBe('read');
    expect(queryRouteAccess('GET', '/metrics')).toBe('read');
    expect(queryRouteAccess('POST', '/api/v1/alerts/rules')).toBe('admin');
    expect(queryRouteAccess('DELETE', '/api/v1/alerts/rules/:id')).toBe('admin');
    expect(queryRouteAccess('GET', '/api/v1/keys')).toBe('admin');
    expect(queryRouteAccess('GET', '/api/v1/auth/me')).toBe('signed-in');
  });

  it('needs read for the Prometheus API, its form POSTs included', () => {
    expect(queryRouteAccess('GET', '/prometheus/api/v1/query')).toBe('read');
    expect(queryRouteAccess('POST', '/prometheus/api/v1/query_range')).toBe('read');
    expect(queryRouteAccess('POST', '/prometheus/api/v1/series')).toBe('read');
    expect(queryRouteAccess('GET', undefined, '/prometheus/api/v1/nope')).toBe('signed-in');
    expect(queryRouteAccess('GET', '/*', '/prometheus/api/v1/nope')).toBe('signed-in');
  });

  it('asks for a credential on unknown API paths, so they reveal nothing', () => {
    expect(queryRouteAccess('GET', undefined, '/api/v1/nope')).toBe('signed-in');
    expect(queryRouteAccess('GET', undefined, '/favicon.ico')).toBe('public');
    // The dashboard's catch-all matches them too; the path decides, not the catch-all.
    expect(queryRouteAccess('GET', '/*', '/api/v1/nope')).toBe('signed-in');
    expect(queryRouteAccess('GET', '/*', '/traces/abc')).toBe('public');
  });
});
