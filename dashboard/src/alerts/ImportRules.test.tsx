// @vitest-environment happy-dom
import { act } from 'react';
import { afterEach, describe, expect, it, vi } from 'vitest';
import { mountPerTest } from '../test-mount.ts';
import { ImportRules } from './ImportRules.tsx';

const view = mountPerTest();
afterEach(() => vi.unstubAllGlobals());

const RULE = {
  id: 'r1',
  name: 'InstanceGone',
  enabled: true,
  query: { kind: 'promql', expr: 'up == 0' },
  window: '5m',
  interval: '1m',
  for: '5m',
  severity: 'critical',
  labels: {},
  groupBy: [],
  noData: 'ok',
  message: '',
  channels: [],
  createdAt: '2026-12-07T00:00:00.000Z',
  updatedAt: '2026-12-07T00:00:00.000Z',
};

/** Picks `text` as the file and waits until the component has shown the API's answer. */
async function pickFile(text: string, answer: { status: number; body: unknown }) {
  const sent: { url: string; body: unknown }[] = [];
  vi.stubGlobal('fetch', (url: string, init: RequestInit) => {
    sent.push({ url, body: JSON.parse(init.body as string) });
    return Promise.resolve(new Response(JSON.stringify(answer.body), { status: answer.status }));
  });
  const onImported = vi.fn();
  act(() => view.root.render(<ImportRules onImported={onImported} />));
  const input = view.host.querySelector<HTMLInputElement>('input[type=file]')!;
  Object.defineProperty(input, 'files', { value: [new File([text], 'rules.yml')] });
  act(() => {
    input.dispatchEvent(new Event('change', { bubbles: true }));
  });
  // The file is read and posted asynchronously; each await lets React render what came back.
  await vi.waitFor(async () => {
    await act(async () => {
      await new Promise((r) => setTimeout(r, 10));
    });
    if (!view.host.querySelector('[role=status], [role=alert]')) throw new Error('no answer yet');
  });
  return { sent, onImported };
}

describe('ImportRules', () => {
  it('sends the file as read and lists what was imported and skipped', async () => {
    const { sent, onImported } = await pickFile('groups: []\n', {
      status: 201,
      body: {
        created: [RULE],
        skipped: [{ group: 'node', rule: 'job:up:sum', reason: 'recording rule' }],
        warnings: [],
      },
    });
    expect(sent).toEqual([{ url: '/api/v1/alerts/rules/import', body: { yaml: 'groups: []\n' } }]);
    expect(view.host.querySelector('[role=status]')?.textContent).toContain(
      'Imported 1 rule: InstanceGone.',
    );
    expect(view.host.querySelector('[aria-label="Skipped rules"]')?.textContent).toBe(
      'skipped node/job:up:sum: recording rule',
    );
    expect(onImported).toHaveBeenCalledOnce();
  });

  it("shows a bad file's error as the API words it, naming the file", async () => {
    const message = "group 'g' rule 1 ('A').for: 'soon' is not a Prometheus duration";
    const { onImported } = await pickFile('groups: x', {
      status: 400,
      body: { error: { code: 'SL_ERR_VALIDATION', message } },
    });
    expect(view.host.querySelector('[role=alert]')?.textContent).toBe(`rules.yml: ${message}`);
    expect(onImported).not.toHaveBeenCalled();
  });
});
