import { describe, expect, it } from 'vitest';
import { SightlineError } from '@sightline/model/errors';
import { compileSearch } from './compile-search.ts';

describe('compileSearch(q, signal, timeRange)', () => {
  it('matches everything for an absent or empty q, with no parameters', () => {
    expect(compileSearch(undefined, 'logs')).toEqual({ sql: '1', params: {} });
    expect(compileSearch('', 'spans')).toEqual({ sql: '1', params: {} });
  });

  it('puts every user value in a q-prefixed parameter, non-ASCII included', () => {
    const c = compileSearch('service:"zahlungsdienst-ü" "naïve"', 'logs');
    expect(c.sql).not.toContain('zahlungsdienst');
    expect(Object.keys(c.params).every((k) => /^q\d+$/.test(k))).toBe(true);
    expect(Object.values(c.params)).toContain('zahlungsdienst-ü');
  });

  it('adds the range on each signal: whole seconds on logs, nanoseconds on spans', () => {
    const range = { fromMs: 1_700_000_000_000, toMs: 1_700_000_060_000 };
    const logs = compileSearch('level:error', 'logs', range);
    expect(logs.params).toMatchObject({ rangeFromS: 1_700_000_000, rangeToS: 1_700_000_059 });
    expect(logs.sql).toMatch(/TimestampTime >= toDateTime\(\{rangeFromS:UInt32\}\)/);
    const spans = compileSearch('', 'spans', { fromMs: 0, toMs: 1 });
    expect(spans.params).toEqual({ rangeFromNs: '0', rangeToNs: '1000000' });
    expect(spans.sql).toMatch(/^\(1\) AND \(Timestamp >= /);
  });

  it('reports a bad q as a 400 naming the parameter, with the language error code', () => {
    const err = (() => {
      try {
        compileSearch('service:(a', 'logs', undefined, 'query.q');
      } catch (e) {
        return e;
      }
      return undefined;
    })();
    expect(err).toBeInstanceOf(SightlineError);
    expect(err).toMatchObject({ code: 'SL_ERR_SEARCH_SYNTAX', statusCode: 400 });
    expect((err as Error).message).toMatch(/^query\.q: at position \d+: /);
    expect(() => compileSearch('level:error', 'spans')).toThrow(/^q: .*level/);
  });
});
