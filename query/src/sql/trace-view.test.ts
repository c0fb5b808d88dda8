import { describe, expect, it } from 'vitest';
import { traceViewSql } from './trace-view.ts';

describe('traceViewSql', () => {
  const sql = traceViewSql('`we``ird`');

  it('looks the trace bounds up once for both the span and the log read', () => {
    expect(sql.match(/otel_traces_trace_id_ts/g)).toHaveLength(1);
    expect(sql).toContain('FROM `we``ird`.otel_traces\n');
    expect(sql).toContain('FROM `we``ird`.otel_logs');
    expect(sql).toContain('Timestamp >= bounds.1 AND Timestamp <= bounds.2 + 1');
    expect(sql).toContain('TimestampTime >= bounds.1 - 3600 AND TimestampTime <= bounds.2 + 3600');
  });

  it('caps spans and logs separately, each in its own order', () => {
    expect(sql).toMatch(/ORDER BY Timestamp, SpanId\s+LIMIT \{maxSpans:UInt32\}/);
    expect(sql).toMatch(/ORDER BY Timestamp, ServiceName, SpanId, Body\s+LIMIT \{maxLogs:UInt32\}/);
  });

  it('never shadows the trace id the log read filters on', () => {
    // ClickHouse resolves WHERE names to SELECT aliases first; `'' AS TraceId` matched no log.
    expect(sql).not.toMatch(/'' AS TraceId/);
  });
});
