import { describe, expect, it } from 'vitest';
import { Params } from './metrics-keys.ts';
import { redSql } from './red-stats.ts';

describe('redSql', () => {
  const grid = { fromMs: 0, toMs: 3_600_000, stepMs: 60_000, points: 60 };

  it('computes totals and per-step rows in one GROUPING SETS scan', () => {
    const p = new Params('r');
    const { query, query_params } = redSql('`db`', 'ServiceName', 'SpanKind = 1', grid, 200, p);
    expect(query).toContain('GROUP BY GROUPING SETS ((name), (name, b))');
    expect(query.match(/FROM `db`\.otel_traces/g)).toHaveLength(1);
    expect(query).toContain('WHERE SpanKind = 1');
    // The step and the number of names kept travel as parameters, never in the SQL text.
    expect(Object.values(query_params)).toEqual([60_000, 201]);
    expect(query).toMatch(/WHERE rank <= \{r1:UInt32\}/);
  });

  it('groups per operation by span name', () => {
    const { query } = redSql('`db`', 'SpanName', '1', grid, 5, new Params('r'));
    expect(query).toContain('SpanName AS name');
  });
});
