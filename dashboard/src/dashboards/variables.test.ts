import { describe, expect, it } from 'vitest';
import type { DashboardVariable } from '@sightline/model/api/dashboards';
import {
  applyVariables,
  fillSearch,
  readVariableValues,
  writeVariableValues,
} from './variables.ts';

const svc: DashboardVariable = {
  name: 'svc',
  source: { kind: 'services' },
  multi: true,
  current: ['checkout'],
};

describe('fillSearch', () => {
  it.each([
    ['service:$svc level:error', { svc: ['checkout'] }, 'service:checkout level:error'],
    ['service:$svc level:error', { svc: ['a', 'b c'] }, 'service:(a OR "b c") level:error'],
    ['service:$svc level:error', { svc: [] }, 'level:error'],
    ['$svc', { svc: ['zahlung-ü'] }, '"zahlung-ü"'],
    ['body:$unknown', { svc: ['x'] }, 'body:$unknown'],
    ['', { svc: ['x'] }, ''],
  ])('%s with %j → %s', (q, values, out) => {
    expect(fillSearch(q, values)).toBe(out);
  });
});

describe('applyVariables', () => {
  it('turns a multi-valued metric service into an in-filter', () => {
    expect(
      applyVariables(
        { signal: 'metrics', metric: 'm', aggregation: 'sum', service: '$svc' },
        { svc: ['a', 'b'] },
      ),
    ).toEqual({
      signal: 'metrics',
      metric: 'm',
      aggregation: 'sum',
      filters: [{ key: 'service.name', op: 'in', values: ['a', 'b'] }],
    });
  });

  it('fills a single value and drops filters whose variable is "any"', () => {
    expect(
      applyVariables(
        {
          signal: 'metrics',
          metric: 'm',
          aggregation: 'avg',
          service: '$svc',
          filters: [
            { key: 'route', op: 'eq', value: '$route' },
            { key: 'code', op: 'eq', value: '200' },
          ],
        },
        { svc: ['a'], route: [] },
      ),
    ).toEqual({
      signal: 'metrics',
      metric: 'm',
      aggregation: 'avg',
      service: 'a',
      filters: [{ key: 'code', op: 'eq', value: '200' }],
    });
  });

  it('fills trace fields and searches', () => {
    expect(
      applyVariables(
        { signal: 'traces', service: '$svc', q: 'http.route:$svc', measure: 'rate' },
        { svc: [] },
      ),
    ).toEqual({ signal: 'traces', measure: 'rate' });
  });
});

describe('variables in the URL', () => {
  it('round-trips several, none and non-ASCII values; falls back to the saved ones', () => {
    const params = new URLSearchParams();
    writeVariableValues(params, { svc: ['a', 'zahlung ü'], other: [] });
    const back = new URLSearchParams(params.toString());
    expect(readVariableValues([svc, { ...svc, name: 'other' }], back)).toEqual({
      svc: ['a', 'zahlung ü'],
      other: [],
    });
    expect(readVariableValues([svc], new URLSearchParams())).toEqual({ svc: ['checkout'] });
  });
});
