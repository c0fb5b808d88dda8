// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { TraceResponse } from '@sightline/model/api/traces';
import { parseLocation } from '../router.ts';
import { mountPerTest } from '../test-mount.ts';
import { TraceView } from './TraceView.tsx';

const view = mountPerTest();
afterEach(() => vi.unstubAllGlobals());

const ID = 'ab'.repeat(16);
const T0 = 1_765_000_000_000n * 1_000_000n;

/** A fake trace API: the trace by id answers `trace`, its critical path 404 (no spans). */
function fakeApi(trace: TraceResponse) {
  vi.stubGlobal('fetch', (url: string) => {
    const body = url.endsWith('/critical-path')
      ? { error: { code: 'SL_ERR_TRACE_NOT_FOUND', message: 'no trace' } }
      : trace;
    return Promise.resolve(
      new Response(JSON.stringify(body), { status: url.endsWith('/critical-path') ? 404 : 200 }),
    );
  });
}

const text = (selector: string) =>
  [...view.host.querySelectorAll(selector)].map((e) => e.textContent);

describe('TraceView', () => {
  it('shows a trace known only from its logs: the logs, their services and a link to search them', async () => {
    fakeApi({
      traceId: ID,
      spans: [],
      spansTruncated: false,
      logs: [
        {
          timeUnixNano: String(T0),
          severityText: 'INFO',
          severityNumber: 9,
          body: 'charging card',
          serviceName: 'payments',
          spanId: '',
          attributes: {},
        },
        {
          timeUnixNano: String(T0 + 1_500_000_000n),
          severityText: '',
          severityNumber: 17,
          body: 'card declined — réessayer',
          serviceName: 'checkout',
          spanId: '00f067aa0ba902b7',
          attributes: {},
        },
      ],
      logsTruncated: false,
    });
    act(() => view.root.render(<TraceView loc={parseLocation(`/traces/${ID}`)} traceId={ID} />));
    // Polls for the condition, letting React apply each state update inside act().
    for (let i = 0; i < 200 && text('h1').length === 0; i++)
      await act(() => new Promise((r) => setTimeout(r, 5)));
    expect(text('h1')).toEqual(['Trace known only from its logs']);
    expect(text('.tag')).toEqual(['checkout', 'payments']);
    expect(text('.summary strong')).toEqual(['1.50 s']);
    expect(text('h2')).toEqual(['Logs (2)']);
    const rows = [...view.host.querySelectorAll('.trace-logs tr')].map((tr) =>
      [...tr.querySelectorAll('td')].slice(0, 4).map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ['+0 ms', 'INFO', 'payments', 'charging card'],
      ['+1.50 s', 'log', 'checkout', 'card declined — réessayer'],
    ]);
    const link = view.host.querySelector<HTMLAnchorElement>('.toolbar a');
    const href = new URL(link?.getAttribute('href') ?? '', 'http://x');
    expect(href.pathname).toBe('/logs');
    expect(href.searchParams.get('q')).toBe(`trace_id:${ID}`);
    // Five minutes either side of the first and last log.
    expect(Date.parse(href.searchParams.get('from') ?? '')).toBe(Number(T0 / 1_000_000n) - 300_000);
    expect(Date.parse(href.searchParams.get('to') ?? '')).toBe(Number(T0 / 1_000_000n) + 301_500);
  });
});
