import { describe, expect, it } from 'vitest';
import { dashboardUrl } from './links.ts';
import { isSilenced } from './silences.ts';

const from = Date.UTC(2026, 0, 1, 10);
const to = from + 600_000;

describe('dashboard links', () => {
  it('opens the logs explorer on the rule search narrowed to the group', () => {
    const url = new URL(
      dashboardUrl(
        'http://dash:8080/',
        { kind: 'log_count', q: 'level:error' },
        { service: 'pay "x"' },
        from,
        to,
      ),
    );
    expect(url.pathname).toBe('/logs');
    expect(url.searchParams.get('q')).toBe('(level:error) service:"pay \\"x\\""');
    expect(url.searchParams.get('from')).toBe('2026-01-01T10:00:00.000Z');
    expect(url.searchParams.get('to')).toBe('2026-01-01T10:10:00.000Z');
  });

  it('opens the service page of a RED rule, and the metrics explorer of a metric rule', () => {
    expect(
      dashboardUrl(
        'http://d',
        { kind: 'trace_red', measure: 'error_rate' },
        { service: 'check out' },
        from,
        to,
      ),
    ).toMatch(/^http:\/\/d\/services\/check%20out\?from=/);
    const m = new URL(
      dashboardUrl(
        'http://d',
        { kind: 'metric', metric: 'cpu', aggregation: 'avg' },
        { host: 'a' },
        from,
        to,
      ),
    );
    expect([
      m.pathname,
      m.searchParams.get('metric'),
      m.searchParams.get('agg'),
      m.searchParams.get('by'),
    ]).toEqual(['/explore/metrics', 'cpu', 'avg', 'host']);
  });
});

describe('silences', () => {
  const s = (over: Partial<Parameters<typeof isSilenced>[0][number]>) => [
    { id: 's', ruleId: null, matchers: {}, startsAtMs: 0, endsAtMs: 100, ...over },
  ];
  it('mute a rule, or alerts whose group or rule labels match, while in effect', () => {
    expect(isSilenced(s({ ruleId: 'r' }), 'r', {}, {}, 50)).toBe(true);
    expect(isSilenced(s({ ruleId: 'r' }), 'other', {}, {}, 50)).toBe(false);
    expect(isSilenced(s({ ruleId: 'r' }), 'r', {}, {}, 100)).toBe(false);
    expect(isSilenced(s({ matchers: { service: 'a' } }), 'r', {}, { service: 'a' }, 1)).toBe(true);
    expect(isSilenced(s({ matchers: { service: 'a' } }), 'r', {}, { service: 'b' }, 1)).toBe(false);
    expect(
      isSilenced(s({ matchers: { team: 'x' } }), 'r', { team: 'x' }, { service: 'b' }, 1),
    ).toBe(true);
    expect(isSilenced(s({}), 'r', {}, {}, 1)).toBe(false);
  });
});
