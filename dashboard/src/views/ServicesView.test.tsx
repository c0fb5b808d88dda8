// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import type { ServicesResponse } from '@sightline/model/api/traces';
import { parseLocation } from '../router.ts';
import { mountPerTest } from '../test-mount.ts';
import { DEFAULT_RANGE } from '../time-range.ts';
import { ServicesView } from './ServicesView.tsx';

const view = mountPerTest();
afterEach(() => vi.unstubAllGlobals());

/** No service sent spans; /services answers `all`. */
function fakeApi(all: ServicesResponse) {
  vi.stubGlobal('fetch', (url: string) => {
    const path = new URL(url, 'http://x').pathname;
    const body =
      path === '/api/v1/services/overview'
        ? { from: 0, to: 60_000, step: 1000, services: [], truncated: false }
        : all;
    return Promise.resolve(new Response(JSON.stringify(body), { status: 200 }));
  });
}

const text = (selector: string) =>
  [...view.host.querySelectorAll(selector)].map((e) => e.textContent);

async function render(): Promise<void> {
  act(() =>
    view.root.render(<ServicesView loc={parseLocation('/services')} range={DEFAULT_RANGE} />),
  );
  // Polls for the answer to be drawn, letting React apply each state update inside act().
  for (let i = 0; i < 200 && view.host.querySelector('.state-empty') === null; i++)
    await act(() => new Promise((r) => setTimeout(r, 5)));
}

describe('ServicesView', () => {
  it('lists services that sent only logs or metrics, with what they sent', async () => {
    fakeApi({
      services: ['api', 'cron', 'node-exporter'],
      signals: [
        { service: 'api', signals: ['traces', 'logs'] },
        { service: 'cron', signals: ['logs'] },
        { service: 'node-exporter', signals: ['metrics'] },
      ],
    });
    await render();
    // The newcomer advice stays (no spans: Sightline's own telemetry may be all there is).
    expect(text('.state-empty strong')).toEqual(['No services sent spans in this time range']);
    for (let i = 0; i < 200 && text('h2').length === 0; i++)
      await act(() => new Promise((r) => setTimeout(r, 5)));
    expect(text('h2')).toEqual(['Without spans (2)']);
    const rows = [...view.host.querySelectorAll('.signal-only-services tbody tr')].map((tr) =>
      [...tr.querySelectorAll('td')].map((td) => td.textContent),
    );
    expect(rows).toEqual([
      ['cron', 'logs', 'logs'],
      ['node-exporter', 'metrics', 'metrics'],
    ]);
    const logs = view.host.querySelector<HTMLAnchorElement>('.signal-only-services a');
    const href = new URL(logs?.getAttribute('href') ?? '', 'http://x');
    expect([href.pathname, href.searchParams.get('q')]).toEqual(['/logs', 'service:"cron"']);
  });
});
