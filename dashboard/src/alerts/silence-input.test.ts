import { describe, expect, it } from 'vitest';
import { silenceInput } from './silence-input.ts';

describe('silenceInput', () => {
  const now = Date.parse('2026-11-22T04:00:00Z');
  it('mutes a rule until now + the duration', () => {
    expect(
      silenceInput({ ruleId: 'r1', matchers: '', durationMs: 3_600_000, comment: ' deploy ' }, now),
    ).toEqual({ ruleId: 'r1', endsAt: '2026-11-22T05:00:00.000Z', comment: 'deploy' });
  });
  it('mutes by labels, and says what is missing otherwise', () => {
    expect(
      silenceInput(
        { ruleId: '', matchers: 'team=payments\n', durationMs: 60_000, comment: '' },
        now,
      ),
    ).toEqual({ matchers: { team: 'payments' }, endsAt: '2026-11-22T04:01:00.000Z' });
    expect(silenceInput({ ruleId: '', matchers: '', durationMs: 1, comment: '' }, now)).toMatch(
      /Pick a rule/,
    );
    expect(silenceInput({ ruleId: '', matchers: 'team', durationMs: 1, comment: '' }, now)).toMatch(
      /'team' is not key=value/,
    );
  });
});
