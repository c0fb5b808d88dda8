import { afterEach, describe, expect, it, vi } from 'vitest';
import { Type } from 'typebox';
import { sharedGet } from './shared-get.ts';

const Body = Type.Object({ n: Type.Number() });

/** A fetch whose answers the test gives, one per call, and that records each call's signal. */
function fakeFetch() {
  const calls: { url: string; signal: AbortSignal; answer: (n: number) => void }[] = [];
  const fetch = vi.fn(
    (url: string, init: RequestInit) =>
      new Promise<Response>((resolve, reject) => {
        const signal = init.signal!;
        signal.addEventListener('abort', () => reject(new DOMException('Aborted', 'AbortError')));
        calls.push({
          url,
          signal,
          answer: (n) => resolve(new Response(JSON.stringify({ n }), { status: 200 })),
        });
      }),
  );
  vi.stubGlobal('fetch', fetch);
  return calls;
}

afterEach(() => {
  vi.unstubAllGlobals();
});

describe('sharedGet', () => {
  it('asks once for callers of the same URL in flight, and again once it is answered', async () => {
    const calls = fakeFetch();
    const a = sharedGet(Body, '/x', { q: 'service:checkout' }, new AbortController().signal);
    const b = sharedGet(Body, '/x', { q: 'service:checkout' }, new AbortController().signal);
    const other = sharedGet(Body, '/x', { q: 'service:cart' }, new AbortController().signal);
    expect(calls.map((c) => c.url)).toEqual([
      '/api/v1/x?q=service%3Acheckout',
      '/api/v1/x?q=service%3Acart',
    ]);
    calls[0]!.answer(7);
    calls[1]!.answer(8);
    expect(await a).toEqual({ n: 7 });
    expect(await b).toEqual({ n: 7 });
    expect(await other).toEqual({ n: 8 });
    const again = sharedGet(Body, '/x', { q: 'service:checkout' }, new AbortController().signal);
    expect(calls).toHaveLength(3);
    calls[2]!.answer(9);
    expect(await again).toEqual({ n: 9 });
  });

  it('keeps the request while one caller still waits, and aborts it when none does', async () => {
    const calls = fakeFetch();
    const first = new AbortController();
    const second = new AbortController();
    const a = sharedGet(Body, '/y', {}, first.signal);
    const b = sharedGet(Body, '/y', {}, second.signal);
    first.abort();
    await expect(a).rejects.toThrow(/abort/i);
    expect(calls[0]!.signal.aborted).toBe(false);
    calls[0]!.answer(1);
    expect(await b).toEqual({ n: 1 });

    const third = new AbortController();
    const fourth = new AbortController();
    const c = sharedGet(Body, '/y', {}, third.signal);
    const d = sharedGet(Body, '/y', {}, fourth.signal);
    third.abort();
    fourth.abort();
    await expect(c).rejects.toThrow(/abort/i);
    await expect(d).rejects.toThrow(/abort/i);
    expect(calls[1]!.signal.aborted).toBe(true);
    // An aborted request is not handed to the next caller.
    void sharedGet(Body, '/y', {}, new AbortController().signal);
    expect(calls).toHaveLength(3);
  });

  it('hands every caller the failure of the shared request', async () => {
    vi.stubGlobal(
      'fetch',
      vi.fn(() =>
        Promise.resolve(
          new Response(JSON.stringify({ error: { code: 'SL_ERR_X', message: 'bad q' } }), {
            status: 400,
          }),
        ),
      ),
    );
    const a = sharedGet(Body, '/z', {}, new AbortController().signal);
    const b = sharedGet(Body, '/z', {}, new AbortController().signal);
    await expect(a).rejects.toThrow('bad q');
    await expect(b).rejects.toThrow('bad q');
  });
});
