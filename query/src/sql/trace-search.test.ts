import { describe, expect, it } from 'vitest';
import type { TraceSearchQuery } from '@sightline/model/api/traces';
import { encodeTraceCursor } from './trace-cursor.ts';
import { resolveTraceSearch } from './trace-search-params.ts';
import { traceSearchSql } from './trace-search.ts';

const NOW = Date.UTC(2024, 4, 1, 12);
const NOW_NS = BigInt(NOW) * 1_000_000n;
const HOUR_NS = 3_600_000_000_000n;
const query = (q: Partial<TraceSearchQuery>): TraceSearchQuery => ({ limit: 20, ...q });

describe('resolveTraceSearch', () => {
  it('converts every parameter', () => {
    const search = resolveTraceSearch(
      query({
        service: 'checkout',
        operation: 'POST /pay',
        status: 'error',
        q: 'http.status_code:>=500',
        minDuration: '1.5ms',
        maxDuration: '2s',
        limit: 5,
      }),
      NOW,
    );
    expect(search).toMatchObject({
      range: { from: NOW_NS - HOUR_NS, to: NOW_NS },
      service: 'checkout',
      operation: 'POST /pay',
      status: 'Error',
      minDurationNs: 1_500_000n,
      maxDurationNs: 2_000_000_000n,
      limit: 5,
      after: undefined,
    });
    expect(search.search?.sql).toContain('{q0:String}');
  });

  it('pages by 20 unless told otherwise', () => {
    expect(resolveTraceSearch({}, NOW).limit).toBe(20);
  });

  it('rounds fractional nanosecond bounds inwards', () => {
    const search = resolveTraceSearch(query({ minDuration: '1.5ns', maxDuration: '2.5ns' }), NOW);
    expect([search.minDurationNs, search.maxDurationNs]).toEqual([2n, 2n]);
  });

  it('keeps the cursor window when the request names none, and the request window when it does', () => {
    const range = { from: 1_000n, to: 2_000n };
    const cursor = encodeTraceCursor({ start: 1_500n, traceId: 'a'.repeat(32), range });
    expect(resolveTraceSearch(query({ cursor }), NOW)).toMatchObject({
      range,
      after: { start: 1_500n, traceId: 'a'.repeat(32) },
    });
    expect(resolveTraceSearch(query({ cursor, to: '2024-05-01T12:00:00Z' }), NOW).range).toEqual({
      from: NOW_NS - HOUR_NS,
      to: NOW_NS,
    });
  });

  it('refuses bad durations and syntax with codes', () => {
    expect(() => resolveTraceSearch(query({ minDuration: 'fast' }), NOW)).toThrow(
      expect.objectContaining({ code: 'SL_ERR_INVALID_DURATION', statusCode: 400 }),
    );
    expect(() => resolveTraceSearch(query({ minDuration: '2s', maxDuration: '1s' }), NOW)).toThrow(
      /greater than maxDuration/,
    );
    // The position counts from the text as typed, leading spaces included.
    expect(() => resolveTraceSearch(query({ q: '  service:' }), NOW)).toThrow(/at position 10/);
  });
});

describe('trace search SQL', () => {
  it('keeps every value in parameters and asks for one row more than the page', () => {
    const search = resolveTraceSearch(
      query({
        service: "x' OR 1=1 --",
        q: 'env:prod',
        minDuration: '1s',
        limit: 3,
        cursor: encodeTraceCursor({
          start: 5n,
          traceId: 'b'.repeat(32),
          range: { from: 1n, to: 10n },
        }),
      }),
      NOW,
    );
    const { sql, params } = traceSearchSql('sightline', search);
    expect(sql).not.toContain('OR 1=1');
    expect(sql).not.toContain('prod');
    expect(params).toMatchObject({
      from: 1n,
      to: 10n,
      limit: 4,
      service: "x' OR 1=1 --",
      afterStart: 5n,
      afterTrace: 'b'.repeat(32),
      minDuration: 1_000_000_000n,
    });
    expect(Object.values(params)).toContain('prod');
    // q is a predicate over one span: the trace ids come from the spans, the summaries from theirs.
    expect(sql).toMatch(
      /WHERE TraceId IN \(SELECT TraceId FROM `sightline`\.otel_traces\s+WHERE Timestamp/,
    );
    expect(sql).toContain('FROM `sightline`.sightline_trace_summaries\n');
    expect(sql).toMatch(/HAVING \(startNs, TraceId\) < \(\{afterStart:Int64\}/);
    // The page is chosen first; only its traces are summarised in full.
    expect(sql).toMatch(/ORDER BY startNs DESC, TraceId DESC\s+LIMIT \{limit:UInt32\}\s+\)/);
    expect(sql).toMatch(/WHERE TraceId IN \(SELECT TraceId FROM page\)/);
  });

  it('quotes the database name and answers service, operation and status from the summaries', () => {
    const search = resolveTraceSearch(query({ service: 'a', operation: 'b', status: 'ok' }), NOW);
    const { sql, params } = traceSearchSql('we`ird', search);
    expect(sql).toContain('`we``ird`.sightline_trace_summaries');
    expect(params).toMatchObject({ service: 'a', operation: 'b', status: 'Ok' });
    // The three filters hold on one key, i.e. on spans that share service, operation and status,
    // and that span is not one of Sightline's own (hidden by default).
    expect(sql).toContain(
      "AND arrayExists(k -> startsWith(k, concat({service:String}, '\\x1f', {operation:String}, '\\x1f')) AND endsWith(k, concat('\\x1f', {status:String})) AND NOT match(splitByString('\\x1f', k)[1], {hideServices:String}), SpanKeys)",
    );
    const shown = resolveTraceSearch(query({ service: 'a', selfTelemetry: 'show' }), NOW);
    const all = traceSearchSql('db', shown);
    expect(all.sql).toContain('AND has(Services, {service:String})');
    expect(all.sql).not.toContain('hideServices');
    // Spans are read only for the traces reaching out of the range.
    expect(sql).toMatch(
      /AND ServiceName = \{service:String\}\s+AND SpanName = \{operation:String\}\s+AND StatusCode = \{status:String\}\s+AND NOT match\(ServiceName, \{hideServices:String\}\)\s+AND TraceId IN \(SELECT TraceId FROM `we``ird`.sightline_trace_summaries WHERE TraceId IN/,
    );
    expect(sql).toContain(
      '(Start < fromUnixTimestamp64Nano({from:Int64}) OR LastStartNs >= {to:Int64})',
    );
    for (const column of ['spanCount', 'services', 'errorCount', 'rootService', 'rootName'])
      expect(sql).toContain(` AS ${column}`);
  });
});
