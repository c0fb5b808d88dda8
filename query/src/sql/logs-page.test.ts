import { describe, expect, it } from 'vitest';
import { firstPageSql } from './logs-page.ts';

describe('firstPageSql', () => {
  it('cuts by Timestamp with ties before ordering the few candidates by row key', () => {
    const sql = firstPageSql('we`ird', { sql: 'Body = {q0:String}', params: {} }, 'DESC');
    expect(sql).toContain('`we``ird`.`otel_logs`');
    expect(sql).toMatch(
      /WHERE Body = \{q0:String\}\s+ORDER BY Timestamp DESC\s+LIMIT \{pageLimit:UInt32\} WITH TIES/,
    );
    expect(sql).toMatch(/ORDER BY Timestamp DESC, rowKey DESC\s+LIMIT \{pageLimit:UInt32\}$/);
  });
});
