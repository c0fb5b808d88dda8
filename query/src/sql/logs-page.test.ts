import { describe, expect, it } from 'vitest';
import { pageSql } from './logs-page.ts';

const filter = { sql: 'Body = {q0:String}', params: { q0: 'x' } };

describe('pageSql', () => {
  it('bounds a first page by the limit-th newest timestamp before reading whole rows', () => {
    const { query, params } = pageSql({
      database: 'we`ird',
      filter,
      order: 'desc',
      limit: 100,
    });
    expect(query).toContain('`we``ird`.`otel_logs`');
    // The bound reads Timestamp only.
    expect(query).toMatch(
      /SELECT minOrNull\(Timestamp\) FROM \(\s+SELECT Timestamp FROM \S+\s+WHERE \(Body = \{q0:String\}\)\s+ORDER BY Timestamp DESC\s+LIMIT \{pageLimit:UInt32\}/,
    );
    // WITH TIES only once the bound has cut the candidates down to about one page.
    expect(query).toMatch(/AS pageBound[\s\S]*WITH TIES/);
    expect(query.match(/WITH TIES/g)).toHaveLength(1);
    expect(query).not.toContain('pageTs');
    expect(query).toContain('toDateTime64(4291747200, 9)) AS pageBound');
    expect(query).toMatch(/ORDER BY Timestamp DESC, rowKey DESC\s+LIMIT \{pageLimit:UInt32\}$/);
    expect(params).toEqual({ q0: 'x', pageLimit: 100 });
  });

  it('starts a later page at the cursor position, ascending from the oldest fallback', () => {
    const { query, params } = pageSql({
      database: 'db',
      filter,
      order: 'asc',
      from: { position: { ts: 1_700_000_000_000_000_000n, key: 42n }, inclusive: false },
      limit: 10,
    });
    expect(query).toContain('maxOrNull(Timestamp)');
    expect(query).toContain('AND Timestamp > fromUnixTimestamp64Nano({pageTs:Int64})');
    expect(query).toMatch(/\(Timestamp, cityHash64\(Timestamp, [^)]*\)\) > \(/);
    expect(query).toMatch(/ORDER BY Timestamp ASC, rowKey ASC\s+LIMIT \{pageLimit:UInt32\}$/);
    expect(params).toMatchObject({ q0: 'x', pageLimit: 10 });
    expect(params).toMatchObject({ pageTs: '1700000000000000000', pageKey: '42' });
  });
});
