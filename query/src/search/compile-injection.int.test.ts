import type { SearchNode } from '@sightline/model/search/ast';
import { SearchSyntaxError } from '@sightline/model/search/errors';
import { formatLiteral } from '@sightline/model/search/format';
import { parseSearch } from '@sightline/model/search/parse';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { compileAst } from './compile.ts';
import { SearchFieldError, SearchValueError } from './errors.ts';
import { createSearchTables, type LogRow, type SearchTables, type SpanRow } from './test-tables.ts';

/**
 * Hostile text as search values, attribute keys and whole queries, run for real. Each must
 * either match exactly the rows that contain it literally (checked against a plain JS filter)
 * or fail with a typed error; and the tables must be intact afterwards.
 */

const HOSTILE = [
  "'); DROP TABLE otel_logs; --",
  "' OR '1'='1",
  "\\' OR 1=1 --",
  '{p0:String}',
  '} OR 1=1 OR {p0:String',
  'a\\b',
  'C:\\\\server\\share',
  '50%_off',
  '100%',
  'under_score',
  '"quoted"',
  "it's",
  'Ёжик 🚀',
  'tab\there',
  'line\nbreak',
  'nul\u0000byte',
  '`backtick`',
  '$$dollar$$',
  '/* comment */ SELECT 1',
];

const id = (prefix: string, i: number): string => `${prefix}${String(i).padStart(2, '0')}`;

const LOGS: LogRow[] = [
  ...HOSTILE.map((text, i) => ({
    SpanId: id('l', i),
    ServiceName: 'svc',
    SeverityText: 'INFO',
    SeverityNumber: 9,
    Body: `row ${i}: ${text}`,
  })),
  // Decoys: what a broken escape of `%`, `_` or `\` would wrongly match.
  {
    SpanId: 'l90',
    ServiceName: 'svc',
    SeverityText: '',
    SeverityNumber: 0,
    Body: '50X-off 100 underXscore',
  },
  {
    SpanId: 'l91',
    ServiceName: 'svc',
    SeverityText: '',
    SeverityNumber: 0,
    Body: 'ab aXb C:server',
  },
];

const SPANS: SpanRow[] = HOSTILE.map((text, i) => ({
  SpanId: id('s', i),
  ServiceName: 'svc',
  SpanName: 'op',
  SpanKind: 'Internal',
  StatusCode: 'Unset',
  Duration: 1,
  // The hostile string is both a key and a value; on odd rows it lives on the resource.
  ...(i % 2 === 0
    ? { SpanAttributes: { [text]: text } }
    : { ResourceAttributes: { [text]: text } }),
}));

let tables: SearchTables;

beforeAll(async () => {
  tables = await createSearchTables(SPANS, LOGS);
});

afterAll(async () => {
  // Whatever ran, both tables still hold every row.
  expect(await tables.count('otel_logs')).toBe(LOGS.length);
  expect(await tables.count('otel_traces')).toBe(SPANS.length);
  await tables.close();
});

async function run(ast: SearchNode | null, target: 'spans' | 'logs'): Promise<string[]> {
  const { sql, params } = compileAst(ast, target);
  const table = target === 'spans' ? 'otel_traces' : 'otel_logs';
  const result = await tables.client.query({
    query: `SELECT SpanId FROM ${table} WHERE ${sql} ORDER BY SpanId`,
    query_params: params,
    format: 'JSONEachRow',
  });
  return (await result.json<{ SpanId: string }>()).map((row) => row.SpanId);
}

const logsContaining = (text: string): string[] =>
  LOGS.filter((row) => row.Body.toLowerCase().includes(text.toLowerCase())).map((r) => r.SpanId);

describe('hostile values match literally', () => {
  it.each(HOSTILE)('free text phrase %j', async (text) => {
    const expected = logsContaining(text);
    expect(expected.length).toBeGreaterThan(0);
    expect(await tables.ids(formatLiteral(text), 'logs')).toEqual(expected);
  });

  it.each(HOSTILE)('body field value %j', async (text) => {
    expect(await tables.ids(`body:${formatLiteral(text)}`, 'logs')).toEqual(logsContaining(text));
  });

  it.each(HOSTILE)('wildcard around %j', async (text) => {
    const ast: SearchNode = { type: 'wildcard', field: 'body', parts: ['row', text, ''] };
    expect(await run(ast, 'logs')).toEqual(logsContaining(text));
  });

  it.each(HOSTILE.map((text, i) => [text, i] as const))(
    'attribute key and value %j',
    async (text, i) => {
      const query = `${formatLiteral(text)}:${formatLiteral(text)}`;
      expect(await tables.ids(query, 'spans')).toEqual([id('s', i)]);
      expect(await tables.ids(`exists:${formatLiteral(text)}`, 'spans')).toEqual([id('s', i)]);
      const prefix = i % 2 === 0 ? 'attr.' : 'resource.';
      expect(await run({ type: 'exists', field: `${prefix}${text}` }, 'spans')).toEqual([
        id('s', i),
      ]);
    },
  );

  it('does not treat % _ and \\ as patterns', async () => {
    expect(await tables.ids('"50%_off"', 'logs')).toEqual([id('l', 7)]);
    expect(await tables.ids('under_score', 'logs')).toEqual([id('l', 9)]);
    expect(await tables.ids('"a\\\\b"', 'logs')).toEqual([id('l', 5)]);
  });
});

describe('hostile values that cannot be used fail with a typed error', () => {
  it.each(HOSTILE)('numeric comparison with %j', (text) => {
    expect(() => compileAst(parseSearch(`k:>${formatLiteral(text)}`), 'spans')).toThrow(
      SearchValueError,
    );
    expect(() =>
      compileAst({ type: 'compare', field: 'duration', op: '<', value: text }, 'spans'),
    ).toThrow(SearchValueError);
  });

  it.each(HOSTILE)('enum value %j', (text) => {
    expect(() => compileAst({ type: 'term', field: 'status', value: text }, 'spans')).toThrow(
      SearchValueError,
    );
  });
});

describe('hostile text as a whole query', () => {
  it.each(HOSTILE)('%j parses and runs, or is rejected with a typed error', async (text) => {
    for (const target of ['spans', 'logs'] as const) {
      let ast: SearchNode | null;
      try {
        ast = parseSearch(text);
      } catch (error) {
        expect(error).toBeInstanceOf(SearchSyntaxError);
        continue;
      }
      try {
        compileAst(ast, target);
      } catch (error) {
        expect([SearchFieldError, SearchValueError].some((type) => error instanceof type)).toBe(
          true,
        );
        continue;
      }
      // Any ClickHouse error here would mean the text changed the SQL.
      await expect(run(ast, target)).resolves.toBeInstanceOf(Array);
    }
  });

  it('finds a body that literally contains parameter syntax', async () => {
    expect(await tables.ids('"{p0:String}"', 'logs')).toEqual([id('l', 3)]);
  });
});
