import { describe, expect, it } from 'vitest';
import type { AlertChannel } from '@sightline/model/api/alert-channels';
import type { AlertRuleInput } from '@sightline/model/api/alerts';
import type { SightlineError } from '@sightline/model/errors';
import { maskChannel, maskUrl, restoreSecrets } from './channel-secrets.ts';

const SLACK = 'https://hooks.slack.com/services/T000/B000/XXXXXXXXXXXXXXXX';
const HOOK = 'https://ops:s3cret@hooks.example.com:8443/notify?token=abc123';

const input = (channels: AlertChannel[]): AlertRuleInput =>
  ({ name: 'r', channels }) as unknown as AlertRuleInput;

const errorOf = (f: () => unknown): SightlineError => {
  try {
    f();
  } catch (err) {
    return err as SightlineError;
  }
  throw new Error('no error');
};

describe('masking channel secrets', () => {
  it.each([
    [SLACK, 'https://hooks.slack.com/***'],
    [HOOK, 'https://hooks.example.com:8443/***'],
    ['http://alerts.internal/hook', 'http://alerts.internal/***'],
    ['https://alerts.example.com/?key=1', 'https://alerts.example.com/***'],
    ['https://alerts.example.com', 'https://alerts.example.com/'],
    ['https://alerts.example.com/', 'https://alerts.example.com/'],
    ['not a url', '***'],
  ])('%s → %s', (raw, masked) => expect(maskUrl(raw)).toBe(masked));

  it('masks every webhook header value and leaves email recipients readable', () => {
    expect(
      maskChannel({
        kind: 'webhook',
        url: HOOK,
        headers: { authorization: 'Bearer t', 'x-a': '' },
      }),
    ).toEqual({
      kind: 'webhook',
      url: 'https://hooks.example.com:8443/***',
      headers: { authorization: '***', 'x-a': '***' },
    });
    const email: AlertChannel = { kind: 'email', to: ['oncall@example.com'] };
    expect(maskChannel(email)).toEqual(email);
  });
});

describe('saving a rule back with masked secrets', () => {
  const stored: AlertChannel[] = [
    { kind: 'slack', url: SLACK },
    { kind: 'webhook', url: HOOK, headers: { authorization: 'Bearer t0k3n' } },
    { kind: 'email', to: ['a@example.com'] },
  ];

  it('keeps every stored secret when the channels come back exactly as the API showed them', () => {
    const shown = stored.map(maskChannel);
    expect(restoreSecrets(input(shown), stored).channels).toEqual(stored);
  });

  it('matches by kind and host when channels are reordered, and keeps a new header value', () => {
    const back: AlertChannel[] = [
      {
        kind: 'webhook',
        url: 'https://hooks.example.com:8443/***',
        headers: { authorization: 'Bearer new' },
      },
      { kind: 'slack', url: 'https://hooks.slack.com/***' },
    ];
    expect(restoreSecrets(input(back), stored).channels).toEqual([
      { kind: 'webhook', url: HOOK, headers: { authorization: 'Bearer new' } },
      { kind: 'slack', url: SLACK },
    ]);
  });

  it('takes a new URL as given, keeping a masked header of the channel at the same host', () => {
    const back: AlertChannel[] = [
      {
        kind: 'webhook',
        url: 'https://hooks.example.com:8443/other',
        headers: { authorization: '***' },
      },
    ];
    expect(restoreSecrets(input(back), stored).channels).toEqual([
      {
        kind: 'webhook',
        url: 'https://hooks.example.com:8443/other',
        headers: { authorization: 'Bearer t0k3n' },
      },
    ]);
  });

  it('answers 400 naming the field when a mask stands for nothing stored', () => {
    const onCreate = errorOf(() =>
      restoreSecrets(input([{ kind: 'slack', url: 'https://hooks.slack.com/***' }]), []),
    );
    expect(onCreate).toMatchObject({ statusCode: 400, code: 'SL_ERR_VALIDATION' });
    expect(onCreate.message).toBe(
      "channels[0].url: '***' keeps a stored secret, but this rule has no stored slack channel to https://hooks.slack.com/***; give the full value",
    );
    const otherHost = errorOf(() =>
      restoreSecrets(input([{ kind: 'webhook', url: 'https://elsewhere.example/***' }]), stored),
    );
    expect(otherHost.message).toMatch(/^channels\[0\]\.url: /);
    const noHeader = errorOf(() =>
      restoreSecrets(
        input([
          {
            kind: 'webhook',
            url: 'https://hooks.example.com:8443/***',
            headers: { 'x-key': '***' },
          },
        ]),
        stored,
      ),
    );
    expect(noHeader.message).toBe(
      "channels[0].headers.x-key: '***' keeps a stored secret, but the stored channel has no header 'x-key'; give the full value",
    );
  });
});
