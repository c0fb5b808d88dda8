// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPerTest } from '../test-mount.ts';
import { QueryBar } from './QueryBar.tsx';

const view = mountPerTest();

/** Types like a user: React listens for native input events. */
function type(input: HTMLInputElement, value: string) {
  // The native setter, called below with the input as `this`, so React's value tracker sees a change.
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

describe('QueryBar', () => {
  it('points at the column the parser stopped at, says what it expected, and does not submit', () => {
    const onSubmit = vi.fn();
    act(() => view.root.render(<QueryBar value="" onSubmit={onSubmit} />));
    const input = view.host.querySelector('input') as HTMLInputElement;
    type(input, 'service:checkout AND (level:error');
    const alert = view.host.querySelector('[role=alert]');
    expect(alert?.textContent).toMatch(/Column 34: expected .+, found end of query/);
    expect(view.host.querySelector('mark')).not.toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    act(() => (view.host.querySelector('form') as HTMLFormElement).requestSubmit());
    expect(onSubmit).not.toHaveBeenCalled();
    expect((view.host.querySelector('button[type=submit]') as HTMLButtonElement).disabled).toBe(
      true,
    );
  });

  it('clears the error once the query parses, and submits it trimmed', () => {
    const onSubmit = vi.fn();
    act(() => view.root.render(<QueryBar value="" onSubmit={onSubmit} />));
    const input = view.host.querySelector('input') as HTMLInputElement;
    type(input, 'duration:>');
    expect(view.host.querySelector('[role=alert]')).not.toBeNull();
    type(input, ' duration:>500ms "payment failed" ');
    expect(view.host.querySelector('[role=alert]')).toBeNull();
    act(() => (view.host.querySelector('form') as HTMLFormElement).requestSubmit());
    expect(onSubmit).toHaveBeenCalledWith('duration:>500ms "payment failed"');
  });

  it('shows the value from the URL when it changes (back button)', () => {
    act(() => view.root.render(<QueryBar value="a" onSubmit={() => undefined} />));
    act(() => view.root.render(<QueryBar value="level:warn" onSubmit={() => undefined} />));
    expect((view.host.querySelector('input') as HTMLInputElement).value).toBe('level:warn');
  });
});
