import { describe, expect, it } from 'vitest';
import { Compile } from 'typebox/compile';
import { Dashboard } from '@sightline/model/api/dashboards';
import { dashboardProblem } from '@sightline/model/api/dashboard-check';
import { GENERATED } from './generated.ts';

describe('generated dashboards', () => {
  const check = Compile(Dashboard);
  it.each(GENERATED.map((d) => [d.title, d] as const))(
    '%s is a valid dashboard the API would accept',
    (_title, d) => {
      expect(check.Errors(d)).toEqual([]);
      expect(dashboardProblem(d)).toBeNull();
    },
  );

  it('gives the service overview RED, routes, error logs, runtime metrics and error traces', () => {
    const overview = GENERATED.find((d) => d.title === 'Service overview')!;
    expect(overview.variables.map((v) => v.name)).toEqual(['service']);
    expect(
      overview.panels.map((p) => `${p.type}:${p.type !== 'row' && p.queries[0]?.signal}`),
    ).toEqual([
      'timeseries:traces',
      'timeseries:traces',
      'timeseries:traces',
      'bar:metrics',
      'logs:logs',
      'timeseries:metrics',
      'timeseries:metrics',
      'traces:traces',
    ]);
  });
});
