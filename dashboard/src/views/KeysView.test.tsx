// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ApiKeyInfo } from '@sightline/model/api/auth';
import { mountPerTest } from '../test-mount.ts';
import { KeysView, orderKeys } from './KeysView.tsx';

const view = mountPerTest();
afterEach(() => vi.unstubAllGlobals());

const info = (over: Partial<ApiKeyInfo>): ApiKeyInfo => ({
  id: 'id-1',
  name: 'checkout',
  prefix: 'abcd1234',
  scopes: ['ingest'],
  createdAt: '2026-12-07T10:00:00.000Z',
  createdBy: 'admin',
  revokedAt: null,
  ...over,
});

interface Call {
  readonly method: string;
  readonly url: string;
  readonly body: unknown;
}

/** A fake /api/v1/keys holding `keys`; records what the view sent. */
function fakeApi(keys: ApiKeyInfo[]) {
  const calls: Call[] = [];
  const json = (status: number, body: unknown) =>
    Promise.resolve(new Response(JSON.stringify(body), { status }));
  vi.stubGlobal('fetch', (url: string, init: RequestInit = {}) => {
    const method = init.method ?? 'GET';
    const body: unknown = init.body ? JSON.parse(init.body as string) : undefined;
    calls.push({ method, url, body });
    if (method === 'GET') return json(200, { keys });
    if (method === 'POST') {
      const req = body as { name: string; scopes: ApiKeyInfo['scopes'] };
      const made = info({ id: `id-${keys.length + 1}`, prefix: 'new00000', ...req });
      keys.push(made);
      return json(201, { key: 'sl_new00000_secretpart', info: made });
    }
    const id = decodeURIComponent(url.split('/').pop() ?? '');
    const i = keys.findIndex((k) => k.id === id);
    keys[i] = { ...keys[i]!, revokedAt: '2026-12-07T11:00:00.000Z' };
    return json(200, { key: keys[i] });
  });
  return calls;
}

const settle = () => act(() => new Promise((r) => setTimeout(r, 0)));
const rows = () =>
  [...view.host.querySelectorAll('.keys-table tbody tr')].map((tr) =>
    [...tr.querySelectorAll('td')].slice(0, 6).map((td) => td.textContent),
  );
const button = (text: string) =>
  [...view.host.querySelectorAll('button')].find((b) => b.textContent === text)!;
const click = async (el: Element) => {
  act(() => {
    el.dispatchEvent(new MouseEvent('click', { bubbles: true }));
  });
  await settle();
};

function type(input: HTMLInputElement, value: string) {
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setter = Object.getOwnPropertyDescriptor(HTMLInputElement.prototype, 'value')?.set;
  act(() => {
    setter?.call(input, value);
    input.dispatchEvent(new Event('input', { bubbles: true }));
  });
}

async function submit() {
  act(() => {
    view.host
      .querySelector('form')!
      .dispatchEvent(new Event('submit', { bubbles: true, cancelable: true }));
  });
  await settle();
}

describe('KeysView', () => {
  it('lists keys by prefix only, active ones first', async () => {
    fakeApi([
      info({ id: 'old', name: 'leaked', revokedAt: '2026-12-07T12:00:00.000Z' }),
      info({ id: 'ci', name: 'ci reader', prefix: 'ffff0000', scopes: ['read'] }),
    ]);
    act(() => view.root.render(<KeysView authOn />));
    await settle();
    const [first, second] = rows();
    expect(first?.slice(0, 3)).toEqual(['ci reader', 'sl_ffff0000_…', 'read']);
    expect(first?.[5]).toBe('active');
    expect(second?.[0]).toBe('leaked');
    expect(second?.[5]).toMatch(/^revoked /);
    // A revoked key has nothing left to revoke.
    expect(view.host.querySelectorAll('.keys-table button')).toHaveLength(1);
    expect(view.host.querySelector('[role=note]')).toBeNull();
  });

  it('creates a key with the chosen scopes and shows the whole key once', async () => {
    const calls = fakeApi([]);
    act(() => view.root.render(<KeysView authOn />));
    await settle();
    type(view.host.querySelector<HTMLInputElement>('input[name=key-name]')!, '  payments  ');
    // read is preselected; add ingest.
    const ingest = view.host.querySelectorAll<HTMLInputElement>('input[type=checkbox]')[0]!;
    await click(ingest);
    await submit();
    expect(calls.find((c) => c.method === 'POST')).toEqual({
      method: 'POST',
      url: '/api/v1/keys',
      body: { name: 'payments', scopes: ['ingest', 'read'] },
    });
    expect(view.host.querySelector('.new-key-value')?.textContent).toBe('sl_new00000_secretpart');
    // One line to copy per scope: the exporter header for ingest, a call for read.
    const usage = view.host.querySelector('.new-key-usage')?.textContent?.split('\n');
    expect(usage).toEqual([
      "OTEL_EXPORTER_OTLP_HEADERS='authorization=Bearer sl_new00000_secretpart'",
      `curl -H 'authorization: Bearer sl_new00000_secretpart' ${window.location.origin}/api/v1/services`,
    ]);
    expect(rows()[0]?.slice(0, 3)).toEqual(['payments', 'sl_new00000_…', 'ingest, read']);
    await click(button('Done'));
    expect(view.host.querySelector('.new-key')).toBeNull();
  });

  it('names what is missing instead of sending a key nobody could use', async () => {
    const calls = fakeApi([]);
    act(() => view.root.render(<KeysView authOn={false} />));
    await settle();
    await submit();
    expect(view.host.querySelector('[role=alert]')?.textContent).toMatch(/^Name: /);
    type(view.host.querySelector<HTMLInputElement>('input[name=key-name]')!, 'x');
    await click(view.host.querySelectorAll<HTMLInputElement>('input[type=checkbox]')[1]!);
    await submit();
    expect(view.host.querySelector('[role=alert]')?.textContent).toBe('Scopes: pick at least one.');
    expect(calls.filter((c) => c.method === 'POST')).toHaveLength(0);
    // Auth off: the page says keys are not checked yet.
    expect(view.host.querySelector('[role=note]')?.textContent).toContain('SIGHTLINE_AUTH=on');
  });

  it('revokes only after a second, explicit click', async () => {
    const calls = fakeApi([info({ id: 'k1', name: 'checkout' })]);
    act(() => view.root.render(<KeysView authOn />));
    await settle();
    await click(button('Revoke'));
    await click(button('Keep'));
    expect(calls.filter((c) => c.method === 'DELETE')).toHaveLength(0);
    await click(button('Revoke'));
    await click(button('Revoke checkout for good'));
    expect(calls.filter((c) => c.method === 'DELETE').map((c) => c.url)).toEqual([
      '/api/v1/keys/k1',
    ]);
    expect(rows()[0]?.[5]).toMatch(/^revoked /);
  });
});

describe('orderKeys', () => {
  it('puts active keys first, newest first within each group', () => {
    const keys = [
      info({ id: 'a', createdAt: '2026-12-01T00:00:00Z' }),
      info({ id: 'b', createdAt: '2026-12-03T00:00:00Z', revokedAt: '2026-12-04T00:00:00Z' }),
      info({ id: 'c', createdAt: '2026-12-02T00:00:00Z' }),
    ];
    expect(orderKeys(keys).map((k) => k.id)).toEqual(['c', 'a', 'b']);
  });
});
