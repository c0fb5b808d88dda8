// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { csrfHeaders } from '../auth.ts';
import { mountPerTest } from '../test-mount.ts';
import { SignInView } from './SignInView.tsx';

const view = mountPerTest();
afterEach(() => vi.unstubAllGlobals());

function type(input: HTMLInputElement, value: string) {
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit(password: string) {
  type(view.host.querySelector<HTMLInputElement>('input[name=password]')!, password);
  await act(async () => {
    view.host
      .querySelector('form')!
      .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
    await new Promise((r) => setTimeout(r, 0));
  });
}

describe('SignInView', () => {
  it('posts name and password, and shows the server message when refused', async () => {
    const fetchMock = vi.fn(() =>
      Promise.resolve(
        new Response(JSON.stringify({ error: { message: 'wrong user name or password' } }), {
          status: 401,
        }),
      ),
    );
    vi.stubGlobal('fetch', fetchMock);
    const onSignedIn = vi.fn();
    act(() => view.root.render(<SignInView onSignedIn={onSignedIn} />));
    await submit('nope');
    expect(fetchMock).toHaveBeenCalledTimes(1);
    const [url, init] = fetchMock.mock.calls[0] as unknown as [string, RequestInit];
    expect(url).toBe('/api/v1/auth/sign-in');
    expect(JSON.parse(init.body as string)).toEqual({ name: 'admin', password: 'nope' });
    expect(view.host.querySelector('[role=alert]')?.textContent).toBe(
      'wrong user name or password',
    );
    expect(onSignedIn).not.toHaveBeenCalled();
  });

  it('tells the app once signed in', async () => {
    vi.stubGlobal('fetch', () => Promise.resolve(new Response('{}', { status: 200 })));
    const onSignedIn = vi.fn();
    act(() => view.root.render(<SignInView onSignedIn={onSignedIn} />));
    await submit('right');
    expect(onSignedIn).toHaveBeenCalledTimes(1);
    expect(view.host.querySelector('[role=alert]')).toBeNull();
  });
});

describe('csrfHeaders', () => {
  it('echoes the CSRF cookie on changes only', () => {
    document.cookie = 'sl_csrf=tok-123; path=/';
    expect(csrfHeaders('POST')).toEqual({ 'x-csrf-token': 'tok-123' });
    expect(csrfHeaders('DELETE')).toEqual({ 'x-csrf-token': 'tok-123' });
    expect(csrfHeaders('GET')).toEqual({});
    expect(csrfHeaders(undefined)).toEqual({});
  });
});
