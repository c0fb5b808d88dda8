import { describe, expect, it } from 'vitest';
import {
  channelLabel,
  describeError,
  MAX_ERROR_LENGTH,
  redactError,
  urlSecrets,
} from './redact.ts';

describe('channelLabel', () => {
  it('keeps host and path of a webhook, never userinfo or query', () => {
    expect(
      channelLabel({
        kind: 'webhook',
        url: 'https://bot:s3cret@hooks.example.com/alerts/in?token=abc#x',
      }),
    ).toBe('webhook:https://hooks.example.com/alerts/in');
  });

  it('names only the host of a Slack webhook, whose path is the secret', () => {
    expect(
      channelLabel({ kind: 'slack', url: 'https://hooks.slack.com/services/T000/B000/XXXXXXXX' }),
    ).toBe('slack:hooks.slack.com');
  });

  it('lists email recipients', () => {
    expect(channelLabel({ kind: 'email', to: ['a@example.com', 'b@example.com'] })).toBe(
      'email:a@example.com,b@example.com',
    );
  });
});

describe('redactError', () => {
  it('masks URL credentials and given secrets, on one line', () => {
    const out = redactError(
      'connect to smtp://alerts:hunter22@mail.example.com:25\nfailed: Bearer tok-12345',
      ['tok-12345'],
    );
    expect(out).toBe('connect to smtp://***@mail.example.com:25 failed: Bearer ***');
  });

  it('ignores secrets too short to mask safely', () => {
    expect(redactError('HTTP 500: a b c', ['a'])).toBe('HTTP 500: a b c');
  });

  it('bounds the length', () => {
    const out = redactError('x'.repeat(5000));
    expect(out.length).toBe(MAX_ERROR_LENGTH);
    expect(out.endsWith('…')).toBe(true);
  });
});

describe('describeError', () => {
  it('adds the cause hidden behind "fetch failed"', () => {
    const cause = Object.assign(new Error('connect refused 127.0.0.1:9'), { code: 'ECONNREFUSED' });
    expect(describeError(new TypeError('fetch failed', { cause }))).toBe(
      'fetch failed: ECONNREFUSED connect refused 127.0.0.1:9',
    );
    expect(describeError('plain')).toBe('plain');
  });
});

describe('urlSecrets', () => {
  it('finds userinfo and query values', () => {
    expect(urlSecrets('https://u:p%40ss@h.example/x?token=abc&empty=')).toEqual([
      'u',
      'p@ss',
      'abc',
    ]);
    expect(urlSecrets('not a url')).toEqual([]);
  });
});
