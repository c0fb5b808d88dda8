import type { SearchNode } from '@sightline/model/search/ast';
import { parseSearch } from '@sightline/model/search/parse';
import { describe, expect, it } from 'vitest';
import { compileAst, type SearchTarget } from './compile.ts';
import { SearchFieldError, SearchValueError } from './errors.ts';

const compile = (query: string, target: SearchTarget = 'spans') =>
  compileAst(parseSearch(query), target);

function compileError(query: string, target: SearchTarget): SearchFieldError | SearchValueError {
  try {
    compile(query, target);
  } catch (error) {
    if (error instanceof SearchFieldError || error instanceof SearchValueError) return error;
    throw error;
  }
  throw new Error(`expected '${query}' to be rejected for ${target}`);
}

describe('compileAst: shape of the SQL', () => {
  it('compiles an empty query to a predicate that is always true', () => {
    expect(compileAst(null, 'logs')).toEqual({ sql: '1', params: {} });
  });

  it('compiles the design document query for spans', () => {
    const { sql, params } = compile(
      'service:checkout status:error "payment failed" duration:>500ms http.status_code:[500 TO 599] -env:dev',
    );
    expect(sql).toBe(
      '(ServiceName = {p0:String}' +
        ' AND StatusCode = {p1:String}' +
        ' AND (SpanName ILIKE {p2:String} OR StatusMessage ILIKE {p2:String})' +
        ' AND Duration > {p3:UInt64}' +
        ' AND (ifNull(toFloat64OrNull(SpanAttributes[{p4:String}]) >= {p5:Float64} AND toFloat64OrNull(SpanAttributes[{p4:String}]) <= {p6:Float64}, 0)' +
        ' OR ifNull(toFloat64OrNull(ResourceAttributes[{p4:String}]) >= {p5:Float64} AND toFloat64OrNull(ResourceAttributes[{p4:String}]) <= {p6:Float64}, 0))' +
        ' AND NOT ((SpanAttributes[{p7:String}] = {p8:String} OR ResourceAttributes[{p7:String}] = {p8:String})))',
    );
    expect(params).toEqual({
      p0: 'checkout',
      p1: 'Error',
      p2: '%payment failed%',
      p3: 500_000_000n,
      p4: 'http.status_code',
      p5: 500,
      p6: 599,
      p7: 'env',
      p8: 'dev',
    });
  });

  it('searches log bodies for free text', () => {
    expect(compile('"payment failed" pay*ment', 'logs')).toEqual({
      sql: '(Body ILIKE {p0:String} AND Body ILIKE {p1:String})',
      params: { p0: '%payment failed%', p1: '%pay%ment%' },
    });
  });

  it('nests boolean operators with explicit parentheses', () => {
    expect(compile('a OR b AND NOT c', 'logs').sql).toBe(
      '(Body ILIKE {p0:String} OR (Body ILIKE {p1:String} AND NOT (Body ILIKE {p2:String})))',
    );
  });

  it('uses the caller prefix for parameter names and rejects one that is not an identifier', () => {
    expect(compileAst(parseSearch('x'), 'logs', 'search_')).toEqual({
      sql: 'Body ILIKE {search_0:String}',
      params: { search_0: '%x%' },
    });
    expect(() => compileAst(null, 'logs', 'p}; DROP')).toThrow(TypeError);
  });
});

describe('compileAst: fields', () => {
  it.each([
    ['service:a', 'spans', 'ServiceName = {p0:String}', 'a'],
    ['name:a', 'spans', 'SpanName = {p0:String}', 'a'],
    ['operation:a', 'spans', 'SpanName = {p0:String}', 'a'],
    ['span:a', 'spans', 'SpanName = {p0:String}', 'a'],
    ['trace_id:ABC', 'spans', 'TraceId = {p0:String}', 'abc'],
    ['span_id:ABC', 'logs', 'SpanId = {p0:String}', 'abc'],
    ['parent_span_id:AB', 'spans', 'ParentSpanId = {p0:String}', 'ab'],
    ['status:ERROR', 'spans', 'StatusCode = {p0:String}', 'Error'],
    ['status:STATUS_CODE_OK', 'spans', 'StatusCode = {p0:String}', 'Ok'],
    ['status:unset', 'spans', 'StatusCode = {p0:String}', 'Unset'],
    ['kind:server', 'spans', 'SpanKind = {p0:String}', 'Server'],
    ['kind:SPAN_KIND_CONSUMER', 'spans', 'SpanKind = {p0:String}', 'Consumer'],
    ['body:a_b', 'logs', 'Body ILIKE {p0:String}', '%a\\_b%'],
    ['message:a', 'logs', 'Body ILIKE {p0:String}', '%a%'],
  ] as const)('%s on %s', (query, target, sql, value) => {
    expect(compile(query, target)).toEqual({ sql, params: { p0: value } });
  });

  it('looks attributes up in the row attributes, then the resource attributes', () => {
    expect(compile('k8s.pod.name:api', 'logs').sql).toBe(
      '(LogAttributes[{p0:String}] = {p1:String} OR ResourceAttributes[{p0:String}] = {p1:String})',
    );
    expect(compile('attr.service:x').sql).toBe('SpanAttributes[{p0:String}] = {p1:String}');
    expect(compile('attr.service:x').params).toEqual({ p0: 'service', p1: 'x' });
    expect(compile('resource.service.name:x', 'logs')).toEqual({
      sql: 'ResourceAttributes[{p0:String}] = {p1:String}',
      params: { p0: 'service.name', p1: 'x' },
    });
  });

  it('requires the key to exist when matching an empty attribute value', () => {
    expect(compile('attr.k:""').sql).toBe(
      '(mapContains(SpanAttributes, {p0:String}) AND SpanAttributes[{p0:String}] = {p1:String})',
    );
  });

  it('compiles exists for columns and attributes', () => {
    expect(compile('exists:service').sql).toBe("ServiceName != ''");
    expect(compile('exists:duration').sql).toBe('1');
    expect(compile('exists:level', 'logs').sql).toBe("(SeverityText != '' OR SeverityNumber != 0)");
    expect(compile('user.id:*', 'logs').sql).toBe(
      '(mapContains(LogAttributes, {p0:String}) OR mapContains(ResourceAttributes, {p0:String}))',
    );
  });

  it('anchors wildcards on fields and escapes the literal parts', () => {
    expect(compile('service:check*')).toEqual({
      sql: 'ServiceName ILIKE {p0:String}',
      params: { p0: 'check%' },
    });
    expect(compile('k:*50\\%_x*').params).toEqual({ p0: 'k', p1: '%50\\%\\_x%' });
  });
});

describe('compileAst: durations, severities and numbers', () => {
  it.each([
    ['duration:>1.5ns', 'Duration > {p0:UInt64}', 1n],
    ['duration:>=1.5ns', 'Duration >= {p0:UInt64}', 2n],
    ['duration:<1.5ns', 'Duration < {p0:UInt64}', 2n],
    ['duration:<=1.5ns', 'Duration <= {p0:UInt64}', 1n],
    ['duration:>2', 'Duration > {p0:UInt64}', 2_000_000n],
    ['duration:1h', 'Duration = {p0:UInt64}', 3_600_000_000_000n],
  ] as const)('%s', (query, sql, ns) => {
    expect(compile(query)).toEqual({ sql, params: { p0: ns } });
  });

  it('compiles duration ranges with inclusive and exclusive ends', () => {
    expect(compile('duration:{10ms TO 1s]')).toEqual({
      sql: '(Duration > {p0:UInt64} AND Duration <= {p1:UInt64})',
      params: { p0: 10_000_000n, p1: 1_000_000_000n },
    });
    expect(compile('duration:[* TO *]').sql).toBe('1');
  });

  it('matches a level by SeverityNumber range, or by text when the number is unset', () => {
    expect(compile('level:Warning', 'logs')).toEqual({
      sql:
        '(SeverityNumber BETWEEN {p0:UInt8} AND {p1:UInt8}' +
        ' OR (SeverityNumber = 0 AND lowerUTF8(SeverityText) IN ({p2:String}, {p3:String}, {p4:String})))',
      params: { p0: 13, p1: 16, p2: 'warn', p3: 'warning', p4: 'wrn' },
    });
    expect(compile('severity:17', 'logs')).toEqual({
      sql: 'SeverityNumber = {p0:UInt8}',
      params: { p0: 17 },
    });
    expect(compile('level:notice', 'logs')).toEqual({
      sql: 'SeverityText ILIKE {p0:String}',
      params: { p0: 'notice' },
    });
  });

  it('compares levels by number, using the edge of the level that keeps the meaning', () => {
    expect(compile('level:>warn', 'logs').params).toEqual({ p0: 16 });
    expect(compile('level:>=warn', 'logs').params).toEqual({ p0: 13 });
    expect(compile('level:<warn', 'logs').params).toEqual({ p0: 13 });
    expect(compile('level:<=warn', 'logs').params).toEqual({ p0: 16 });
    expect(compile('level:[info TO error]', 'logs')).toEqual({
      sql: '(SeverityNumber != 0 AND SeverityNumber >= {p0:UInt8} AND SeverityNumber <= {p1:UInt8})',
      params: { p0: 9, p1: 20 },
    });
  });

  it('compares attributes as numbers and passes huge numbers as text', () => {
    expect(compile('retries:>2')).toMatchObject({ params: { p0: 'retries', p1: 2 } });
    expect(compile('x:<1e300').params).toEqual({ p0: 'x', p1: '1e+300' });
    expect(compile('x:[* TO *]').sql).toBe(
      '(isNotNull(toFloat64OrNull(SpanAttributes[{p0:String}])) OR isNotNull(toFloat64OrNull(ResourceAttributes[{p0:String}])))',
    );
  });
});

describe('compileAst: errors', () => {
  it.each([
    ['duration:>1s', 'logs', 'duration', 'applies to spans only'],
    ['status:error', 'logs', 'status', 'applies to spans only'],
    ['level:error', 'spans', 'level', 'applies to logs only'],
    ['body:x', 'spans', 'body', 'applies to logs only'],
    ['service:>a', 'spans', 'service', 'does not support comparisons'],
    ['body:[a TO b]', 'logs', 'body', 'does not support comparisons'],
    ['duration:1*', 'spans', 'duration', 'does not support wildcards'],
    ['attr.:x', 'spans', 'attr.', "after 'attr.'"],
    ['exists:resource.', 'logs', 'resource.', "after 'resource.'"],
  ] as const)('%s on %s is a field error', (query, target, field, message) => {
    const error = compileError(query, target);
    expect(error).toBeInstanceOf(SearchFieldError);
    expect(error).toMatchObject({ code: 'SL_ERR_SEARCH_FIELD', statusCode: 400, field });
    expect(error.message).toContain(message);
  });

  it.each([
    ['duration:>fast', 'spans', 'duration'],
    ['duration:>-1s', 'spans', 'duration'],
    ['duration:1.5ns', 'spans', 'duration'],
    ['duration:>99999999999999999999h', 'spans', 'duration'],
    ['status:maybe', 'spans', 'status'],
    ['kind:server2', 'spans', 'kind'],
    ['level:>loud', 'logs', 'level'],
    ['level:<300', 'logs', 'level'],
    ['http.status_code:>abc', 'spans', 'http.status_code'],
  ] as const)('%s on %s is a value error', (query, target, field) => {
    const error = compileError(query, target);
    expect(error).toBeInstanceOf(SearchValueError);
    expect(error).toMatchObject({ code: 'SL_ERR_SEARCH_VALUE', statusCode: 400, field });
  });
});

describe('compileAst: user text never reaches the SQL', () => {
  const HOSTILE = [
    "'); DROP TABLE otel_logs; --",
    "\\' OR 1=1 --",
    '{p0:String}',
    '} OR 1=1 OR {',
    '`ServiceName`',
    'a\\b',
    '%_',
    'Ёжик',
    '\u0000\n\t',
    'SELECT',
  ];
  // Identifiers and literals the compiler itself writes; anything else would be user text.
  const ALLOWED_WORDS = new Set(
    'AND OR NOT ILIKE IN BETWEEN ifNull toFloat64OrNull isNotNull mapContains lowerUTF8 String UInt8 UInt64 Float64 Body SpanName StatusMessage ServiceName TraceId SpanId ParentSpanId StatusCode SpanKind Duration SeverityText SeverityNumber SpanAttributes LogAttributes ResourceAttributes'.split(
      ' ',
    ),
  );

  const leaves = (field: string | null, value: string): SearchNode[] => {
    const named = field ?? 'k';
    return [
      { type: 'term', field, value },
      { type: 'wildcard', field, parts: [value, value] },
      { type: 'compare', field: named, op: '>', value },
      {
        type: 'range',
        field: named,
        lower: { value, inclusive: true },
        upper: { value, inclusive: false },
      },
      { type: 'exists', field: named },
    ];
  };

  it('keeps hostile keys and values in parameters for every clause type and field', () => {
    let compiled = 0;
    const fields = [null, 'service', 'status', 'duration', 'level', 'body', ...HOSTILE];
    for (const target of ['spans', 'logs'] as const) {
      for (const field of fields) {
        for (const value of [...HOSTILE, '5', 'error']) {
          for (const node of leaves(field, value)) {
            let result;
            try {
              result = compileAst({ type: 'not', child: node }, target, 'q');
            } catch (error) {
              if (error instanceof SearchFieldError || error instanceof SearchValueError) continue;
              throw error;
            }
            compiled++;
            const placeholders = [
              ...result.sql.matchAll(/\{(q\d+):(?:String|UInt8|UInt64|Float64)\}/g),
            ];
            const rest = result.sql.replace(/\{q\d+:\w+\}/g, '?');
            expect(rest).toMatch(/^[A-Za-z0-9_ (),?=!<>[\]']*$/);
            expect(rest.replace(/''/g, '')).not.toContain("'");
            for (const word of rest.match(/[A-Za-z_]\w*/g) ?? [])
              expect(ALLOWED_WORDS).toContain(word);
            for (const number of rest.match(/\b\d+\b/g) ?? []) expect(['0', '1']).toContain(number);
            // Every placeholder has a value and every value is used.
            expect(new Set(placeholders.map((m) => m[1]))).toEqual(
              new Set(Object.keys(result.params)),
            );
          }
        }
      }
    }
    expect(compiled).toBeGreaterThan(500);
  });
});
