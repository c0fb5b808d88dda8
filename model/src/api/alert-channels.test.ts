import { describe, expect, it } from 'vitest';
import { Value } from 'typebox/value';
import { AlertChannelSchema, EmailChannel } from './alert-channels.ts';

const firstErrorPath = (v: unknown): string[] =>
  [...Value.Errors(AlertChannelSchema, v)].map((e) => e.instancePath);

describe('AlertChannelSchema', () => {
  it('accepts each kind of channel', () => {
    for (const ok of [
      {
        kind: 'webhook',
        url: 'https://hooks.example.com/in?x=1',
        headers: { Authorization: 'Bearer t' },
      },
      { kind: 'webhook', url: 'http://127.0.0.1:9000/' },
      { kind: 'slack', url: 'https://hooks.slack.com/services/T0/B0/abc' },
      { kind: 'email', to: ['oncall@example.com', 'sre@localhost'] },
    ]) {
      expect(Value.Check(AlertChannelSchema, ok), JSON.stringify(ok)).toBe(true);
    }
  });

  it('refuses a URL that is not http or https, naming the field', () => {
    for (const url of [
      'ftp://h/x',
      'javascript:alert(1)',
      'hooks.example.com/in',
      'https://',
      'https://a b/',
    ]) {
      const v = { kind: 'webhook', url };
      expect(Value.Check(AlertChannelSchema, v), url).toBe(false);
      expect(firstErrorPath(v)).toContain('/url');
    }
  });

  it('refuses bad addresses and bad recipient counts', () => {
    for (const to of [['oncall'], ['a@b.c, d@e.f'], ['<a@b.c>']]) {
      expect(Value.Check(AlertChannelSchema, { kind: 'email', to }), to[0]).toBe(false);
      expect(
        [...Value.Errors(EmailChannel, { kind: 'email', to })].map((e) => e.instancePath),
      ).toContain('/to/0');
    }
    expect(Value.Check(AlertChannelSchema, { kind: 'email', to: [] })).toBe(false);
    const many = Array.from({ length: 21 }, (_, i) => `u${i}@example.com`);
    expect(Value.Check(AlertChannelSchema, { kind: 'email', to: many })).toBe(false);
  });

  it('refuses header names fetch would reject and values with line breaks', () => {
    const base = { kind: 'webhook', url: 'https://h.example/x' };
    expect(Value.Check(AlertChannelSchema, { ...base, headers: { 'Bad Header': 'x' } })).toBe(
      false,
    );
    expect(Value.Check(AlertChannelSchema, { ...base, headers: { 'X-A': 'a\r\nX-B: b' } })).toBe(
      false,
    );
  });

  it('refuses an unknown kind or field', () => {
    expect(Value.Check(AlertChannelSchema, { kind: 'pager', url: 'https://h/x' })).toBe(false);
    expect(
      Value.Check(AlertChannelSchema, { kind: 'slack', url: 'https://h/x', to: ['a@b'] }),
    ).toBe(false);
  });
});
