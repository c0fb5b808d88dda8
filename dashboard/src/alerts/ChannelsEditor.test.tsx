// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPerTest } from '../test-mount.ts';
import { ChannelsEditor } from './ChannelsEditor.tsx';
import { EMPTY_CHANNEL, type ChannelDraft } from './rule-draft.ts';

const view = mountPerTest();

const render = (channels: readonly ChannelDraft[], onChange: (c: ChannelDraft[]) => void) =>
  act(() => view.root.render(<ChannelsEditor channels={channels} onChange={onChange} />));

describe('ChannelsEditor', () => {
  it('says a rule without channels notifies nobody, and adds a webhook', () => {
    const onChange = vi.fn();
    render([], onChange);
    expect(view.host.textContent).toContain('notifies nobody');
    act(() => (view.host.querySelector('button') as HTMLButtonElement).click());
    expect(onChange).toHaveBeenCalledWith([EMPTY_CHANNEL]);
  });

  it('asks for recipients for email and a URL (plus headers) for a webhook, and removes one', () => {
    const onChange = vi.fn();
    render(
      [
        { ...EMPTY_CHANNEL, kind: 'email', to: 'a@example.com' },
        { ...EMPTY_CHANNEL, url: 'https://x.example' },
      ],
      onChange,
    );
    expect(view.host.querySelector('[aria-label="Channel 1 recipients"]')).not.toBeNull();
    expect(view.host.querySelector('[aria-label="Channel 1 URL"]')).toBeNull();
    expect(view.host.querySelector('[aria-label="Channel 2 URL"]')).not.toBeNull();
    expect(view.host.querySelector('[aria-label="Channel 2 headers"]')).not.toBeNull();
    act(() =>
      (view.host.querySelector('[aria-label="Remove channel 1"]') as HTMLButtonElement).click(),
    );
    expect(onChange).toHaveBeenCalledWith([{ ...EMPTY_CHANNEL, url: 'https://x.example' }]);
  });

  it('says a masked secret (***) is kept when the rule is saved', () => {
    render(
      [
        { ...EMPTY_CHANNEL, kind: 'slack', url: 'https://hooks.slack.com/***' },
        { ...EMPTY_CHANNEL, url: 'https://x.example/hook' },
      ],
      vi.fn(),
    );
    expect(view.host.querySelector('[data-testid="channel-1-secret-hint"]')?.textContent).toContain(
      'saving keeps it',
    );
    expect(view.host.querySelector('[data-testid="channel-2-secret-hint"]')).toBeNull();
  });
});
