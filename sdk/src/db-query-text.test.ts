import { describe, expect, it } from 'vitest';

import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import {
  DbQueryTextProcessor,
  QueryTextCache,
  sanitizeSql,
  sqlOperation,
  type DbQueryTextMode,
} from './db-query-text.ts';

describe('sanitizeSql', () => {
  it.each([
    [
      "SELECT * FROM users WHERE email = 'a@b.c' AND id = 42",
      'SELECT * FROM users WHERE email = ? AND id = ?',
    ],
    ["SELECT 'it''s', 3.14, 1e-3, .5, 0xFF", 'SELECT ?, ?, ?, ?, ?'],
    [
      'SELECT t1.col_2 FROM t1 WHERE x = $1 AND y = $2',
      'SELECT t1.col_2 FROM t1 WHERE x = $1 AND y = $2',
    ],
    ['SELECT "Weird 42" FROM "tbl"', 'SELECT "Weird 42" FROM "tbl"'],
    ['SELECT $$secret 7$$, $tag$x$tag$', 'SELECT ?, ?'],
    ["INSERT INTO t VALUES ('日本語', -5)", 'INSERT INTO t VALUES (?, -?)'],
    ['SELECT 1 -- note 5\n, 2 /* c 9 */', 'SELECT ? -- note 5\n, ? /* c 9 */'],
    ["SELECT 'unterminated", 'SELECT ?'],
    ['', ''],
  ])('postgres: %j', (input, expected) => {
    expect(sanitizeSql(input, 'postgresql')).toBe(expected);
  });

  it.each([
    [
      "SELECT * FROM `t1` WHERE a = 'x\\'y' AND b = \"z\" AND c = 12",
      'SELECT * FROM `t1` WHERE a = ? AND b = ? AND c = ?',
    ],
    ['SELECT 1 # 42', 'SELECT ? # 42'],
  ])('mysql: %j', (input, expected) => {
    expect(sanitizeSql(input, 'mysql')).toBe(expected);
  });
});

describe('sqlOperation', () => {
  it.each([
    ['select 1', 'SELECT'],
    ['  /* hint */ -- x\n insert into t values (1)', 'INSERT'],
    ['(SELECT 1) UNION (SELECT 2)', 'SELECT'],
    ['WITH x AS (SELECT 1) SELECT * FROM x', 'WITH'],
    ['', undefined],
    ['42', undefined],
  ])('%j → %s', (input, expected) => {
    expect(sqlOperation(input)).toBe(expected);
  });
});

describe('DbQueryTextProcessor', () => {
  const QUERY = "SELECT name FROM users WHERE id = 7 AND note = 'ünïcode'";

  function exported(mode: DbQueryTextMode, attributes: Record<string, string>) {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new DbQueryTextProcessor(mode), new SimpleSpanProcessor(exporter)],
    });
    provider.getTracer('t').startSpan('q', { attributes }).end();
    return exporter.getFinishedSpans()[0]?.attributes;
  }

  it.each([
    ['sanitized', { 'db.query.text': 'SELECT name FROM users WHERE id = ? AND note = ?' }],
    ['raw', { 'db.query.text': QUERY }],
    ['none', {}],
  ] as const)('%s: exporters see %j', (mode, expected) => {
    const attributes = exported(mode, { 'db.system.name': 'postgresql', 'db.query.text': QUERY });
    expect(attributes).toEqual({
      'db.system.name': 'postgresql',
      'db.operation.name': 'SELECT',
      ...expected,
    });
  });

  it('keeps a redis command (its values already left out) and leaves non-database spans alone', () => {
    const redis = { 'db.system.name': 'redis', 'db.query.text': 'SET cart:7 [1 other arguments]' };
    expect(exported('sanitized', redis)).toEqual(redis);
    expect(exported('none', { 'http.route': '/x 1' })).toEqual({ 'http.route': '/x 1' });
    expect(exported('none', redis)).toEqual({ 'db.system.name': 'redis' });
  });
});

describe('QueryTextCache', () => {
  it('answers as sanitising afresh does, per system, and stays within its bound', () => {
    const cache = new QueryTextCache(3);
    const texts = [
      ["SELECT * FROM t WHERE a = 'x' AND b = 2", 'postgresql'],
      ['SELECT * FROM t WHERE a = "x"', 'mysql'],
      ['SELECT * FROM t WHERE a = "x"', 'postgresql'],
      ['  -- c\n update t set n = 1.5e3', 'postgresql'],
      ['x'.repeat(5000) + " = 'secret'", 'postgresql'],
    ] as const;
    for (let round = 0; round < 3; round++) {
      for (const [text, system] of texts) {
        expect(cache.get(text, system)).toEqual({
          text: sanitizeSql(text, system),
          operation: sqlOperation(text),
        });
        expect(cache.size).toBeLessThanOrEqual(3);
      }
    }
    // The same text reads differently in MySQL ("x" is a string) and PostgreSQL (an identifier).
    expect(cache.get('SELECT * FROM t WHERE a = "x"', 'mysql').text).toBe(
      'SELECT * FROM t WHERE a = ?',
    );
    expect(cache.get('SELECT * FROM t WHERE a = "x"', 'postgresql').text).toBe(
      'SELECT * FROM t WHERE a = "x"',
    );
  });
});
