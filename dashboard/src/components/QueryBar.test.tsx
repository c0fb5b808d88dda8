// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { QueryBar } from './QueryBar.tsx';

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
    act(() => root.render(<QueryBar value="" onSubmit={onSubmit} />));
    const input = host.querySelector('input') as HTMLInputElement;
    type(input, 'service:checkout AND (level:error');
    const alert = host.querySelector('[role=alert]');
    expect(alert?.textContent).toMatch(/Column 34: expected .+, found end of query/);
    expect(host.querySelector('mark')).not.toBeNull();
    expect(input.getAttribute('aria-invalid')).toBe('true');
    act(() => (host.querySelector('form') as HTMLFormElement).requestSubmit());
    expect(onSubmit).not.toHaveBeenCalled();
    expect((host.querySelector('button[type=submit]') as HTMLButtonElement).disabled).toBe(true);
  });

  it('clears the error once the query parses, and submits it trimmed', () => {
    const onSubmit = vi.fn();
    act(() => root.render(<QueryBar value="" onSubmit={onSubmit} />));
    const input = host.querySelector('input') as HTMLInputElement;
    type(input, 'duration:>');
    expect(host.querySelector('[role=alert]')).not.toBeNull();
    type(input, ' duration:>500ms "payment failed" ');
    expect(host.querySelector('[role=alert]')).toBeNull();
    act(() => (host.querySelector('form') as HTMLFormElement).requestSubmit());
    expect(onSubmit).toHaveBeenCalledWith('duration:>500ms "payment failed"');
  });

  it('shows the value from the URL when it changes (back button)', () => {
    act(() => root.render(<QueryBar value="a" onSubmit={() => undefined} />));
    act(() => root.render(<QueryBar value="level:warn" onSubmit={() => undefined} />));
    expect((host.querySelector('input') as HTMLInputElement).value).toBe('level:warn');
  });
});
