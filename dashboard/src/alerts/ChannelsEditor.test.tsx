// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ChannelsEditor } from './ChannelsEditor.tsx';
import { EMPTY_CHANNEL, type ChannelDraft } from './rule-draft.ts';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let host: HTMLDivElement;
let root: Root;
beforeEach(() => {
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
});

const render = (channels: readonly ChannelDraft[], onChange: (c: ChannelDraft[]) => void) =>
  act(() => root.render(<ChannelsEditor channels={channels} onChange={onChange} />));

describe('ChannelsEditor', () => {
  it('says a rule without channels notifies nobody, and adds a webhook', () => {
    const onChange = vi.fn();
    render([], onChange);
    expect(host.textContent).toContain('notifies nobody');
    act(() => (host.querySelector('button') as HTMLButtonElement).click());
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
    expect(host.querySelector('[aria-label="Channel 1 recipients"]')).not.toBeNull();
    expect(host.querySelector('[aria-label="Channel 1 URL"]')).toBeNull();
    expect(host.querySelector('[aria-label="Channel 2 URL"]')).not.toBeNull();
    expect(host.querySelector('[aria-label="Channel 2 headers"]')).not.toBeNull();
    act(() => (host.querySelector('[aria-label="Remove channel 1"]') as HTMLButtonElement).click());
    expect(onChange).toHaveBeenCalledWith([{ ...EMPTY_CHANNEL, url: 'https://x.example' }]);
  });
});
