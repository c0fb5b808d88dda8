import { describe, expect, it } from 'vitest';
import { api } from './traces-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/** The traces API end to end: bad parameters and traces that do not exist. */
useSightline();

describe('errors', () => {
  it('answers bad parameters with 400 and a stable code naming the problem', async () => {
    const badCursor = Buffer.from(JSON.stringify({ s: '1' })).toString('base64url');
    const cases: [string, string, Record<string, string>, string, RegExp][] = [
      ['bad q', '/traces', { q: 'service:' }, 'SL_ERR_SEARCH_SYNTAX', /at position 8: expected/],
      ['bad q value', '/traces', { q: 'duration:>fast' }, 'SL_ERR_SEARCH_VALUE', /not a duration/],
      ['logs-only field', '/traces', { q: 'level:error' }, 'SL_ERR_SEARCH_FIELD', /level/],
      [
        'bad from',
        '/traces',
        { from: 'yesterday' },
        'SL_ERR_INVALID_TIME_RANGE',
        /^from: expected ISO-8601/,
      ],
      [
        'bad to',
        '/traces',
        { to: '2024-02-30T00:00:00Z' },
        'SL_ERR_INVALID_TIME_RANGE',
        /^to: expected/,
      ],
      [
        'from after to',
        '/traces',
        { from: '2024-05-02T00:00:00Z', to: '2024-05-01T00:00:00Z' },
        'SL_ERR_INVALID_TIME_RANGE',
        /from must be before to/,
      ],
      [
        'range too long',
        '/traces',
        { from: '2024-01-01', to: '2024-03-01' },
        'SL_ERR_INVALID_TIME_RANGE',
        /more than 31 days/,
      ],
      [
        'garbage cursor',
        '/traces',
        { cursor: 'not a cursor!' },
        'SL_ERR_INVALID_CURSOR',
        /^cursor:/,
      ],
      ['forged cursor', '/traces', { cursor: badCursor }, 'SL_ERR_INVALID_CURSOR', /^cursor:/],
      [
        'limit over max',
        '/traces',
        { limit: '1001' },
        'SL_ERR_VALIDATION',
        /limit must be <= 1000/,
      ],
      ['limit zero', '/traces', { limit: '0' }, 'SL_ERR_VALIDATION', /limit must be >= 1/],
      ['bad status', '/traces', { status: 'maybe' }, 'SL_ERR_VALIDATION', /status/],
      [
        'bad minDuration',
        '/traces',
        { minDuration: 'fast' },
        'SL_ERR_INVALID_DURATION',
        /^minDuration:/,
      ],
      [
        'min over max',
        '/traces',
        { minDuration: '2s', maxDuration: '1s' },
        'SL_ERR_INVALID_DURATION',
        /greater than maxDuration/,
      ],
      ['services bad to', '/services', { to: 'soon' }, 'SL_ERR_INVALID_TIME_RANGE', /^to:/],
      [
        'operations bad from',
        '/services/a/operations',
        { from: '1e9' },
        'SL_ERR_INVALID_TIME_RANGE',
        /^from:/,
      ],
      ['trace id not hex', '/traces/xyz', {}, 'SL_ERR_VALIDATION', /traceId/],
    ];
    for (const [name, path, query, code, message] of cases) {
      const res = await api<{ error: { code: string; message: string } }>(path, query);
      expect({ name, status: res.status, code: res.body.error.code }).toEqual({
        name,
        status: 400,
        code,
      });
      expect(res.body.error.message, name).toMatch(message);
    }
  });

  it('answers 404 for a trace that does not exist', async () => {
    for (const path of ['', '/critical-path']) {
      const res = await api<{ error: { code: string } }>(`/traces/${'f'.repeat(32)}${path}`);
      expect({ status: res.status, code: res.body.error.code }).toEqual({
        status: 404,
        code: 'SL_ERR_TRACE_NOT_FOUND',
      });
    }
  });
});
