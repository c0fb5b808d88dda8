// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { AlertPreviewResponse } from '@sightline/model/api/alerts';
import { NEW_RULE } from './rule-draft.ts';
import { RuleForm } from './RuleForm.tsx';

(globalThis as { IS_REACT_ACT_ENVIRONMENT?: boolean }).IS_REACT_ACT_ENVIRONMENT = true;

let host: HTMLDivElement;
let root: Root;
let requests: { url: string; method: string; body: unknown }[];
let ruleAnswer: { status: number; body: unknown };

const preview = (threshold: number): AlertPreviewResponse => ({
  from: 1_000_000,
  to: 1_060_000,
  step: 30_000,
  threshold,
  condition: `> ${threshold}`,
  series: [
    {
      groupKey: '',
      labels: {},
      points: [
        [1_000_000, 0.1],
        [1_030_000, 0.5],
        [1_060_000, 0.6],
      ],
    },
  ],
  transitions: [
    { groupKey: '', at: 1_030_000, from: 'inactive', to: 'pending', value: 0.5 },
    { groupKey: '', at: 1_060_000, from: 'pending', to: 'firing', value: 0.6 },
  ],
});

// cart sent only logs: no trace rule can be about it.
const SERVICES = {
  services: ['cart', 'checkout', 'payments'],
  signals: [
    { service: 'cart', signals: ['logs'] },
    { service: 'checkout', signals: ['traces', 'logs'] },
    { service: 'payments', signals: ['traces', 'metrics'] },
  ],
};
const OPERATIONS = {
  service: 'checkout',
  operations: [
    { name: 'GET /cart', kind: 'Client', spanCount: 3 },
    { name: 'POST /checkout', kind: 'Server', spanCount: 9 },
    { name: 'POST /checkout', kind: 'Client', spanCount: 1 },
  ],
};

const json = (status: number, body: unknown) =>
  new Response(JSON.stringify(body), { status, headers: { 'content-type': 'application/json' } });

beforeEach(() => {
  requests = [];
  ruleAnswer = { status: 201, body: {} };
  vi.stubGlobal(
    'fetch',
    vi.fn((url: string, init: RequestInit = {}) => {
      const body: unknown = init.body ? JSON.parse(init.body as string) : undefined;
      requests.push({ url, method: init.method ?? 'GET', body });
      if (url.startsWith('/api/v1/alerts/preview')) {
        const rule = (body as { rule: { condition: { threshold: number } } }).rule;
        return Promise.resolve(json(200, preview(rule.condition.threshold)));
      }
      if (url.startsWith('/api/v1/alerts/rules'))
        return Promise.resolve(json(ruleAnswer.status, ruleAnswer.body));
      if (url.startsWith('/api/v1/services/checkout/operations'))
        return Promise.resolve(json(200, OPERATIONS));
      if (url.startsWith('/api/v1/services?')) return Promise.resolve(json(200, SERVICES));
      return Promise.resolve(json(200, { metrics: [], truncated: false }));
    }),
  );
  host = document.createElement('div');
  document.body.append(host);
  root = createRoot(host);
});
afterEach(() => {
  act(() => root.unmount());
  host.remove();
  vi.unstubAllGlobals();
});

function control(label: string): HTMLInputElement | HTMLSelectElement {
  const field = [...host.querySelectorAll('.alert-field')].find(
    (f) => f.querySelector('.alert-field-label')?.textContent === label,
  );
  const el = field?.querySelector('input, select');
  if (!el) throw new Error(`no field ${label}`);
  return el as HTMLInputElement | HTMLSelectElement;
}

/** Changes a control like a user: React listens for native input/change events. */
function change(el: HTMLInputElement | HTMLSelectElement, value: string) {
  const proto =
    el instanceof HTMLSelectElement ? HTMLSelectElement.prototype : HTMLInputElement.prototype;
  // eslint-disable-next-line @typescript-eslint/unbound-method
  const setter = Object.getOwnPropertyDescriptor(proto, 'value')?.set;
  act(() => {
    setter?.call(el, value);
    el.dispatchEvent(
      new Event(el instanceof HTMLSelectElement ? 'change' : 'input', { bubbles: true }),
    );
  });
}

const previews = () => requests.filter((r) => r.url.startsWith('/api/v1/alerts/preview'));
const settle = () => act(() => new Promise((r) => setTimeout(r, 700)));

function renderForm(onSaved = vi.fn()) {
  act(() =>
    root.render(
      <RuleForm
        initial={NEW_RULE}
        hours={1}
        onHours={() => undefined}
        onSaved={onSaved}
        onCancel={() => undefined}
      />,
    ),
  );
  return onSaved;
}

describe('RuleForm', () => {
  it('shows the server’s 400 beside the field it names, and drops it once the field changes', async () => {
    ruleAnswer = {
      status: 400,
      body: {
        error: {
          code: 'SL_ERR_VALIDATION',
          message: 'body/window must match pattern "^[0-9]{1,7}[smhd]$"',
        },
      },
    };
    const onSaved = renderForm();
    change(control('Name'), 'Pay errors');
    change(control('Window'), '-5m');
    await act(async () => {
      (host.querySelector('form') as HTMLFormElement).requestSubmit();
      await new Promise((r) => setTimeout(r, 50));
    });
    const err = host.querySelector('.field-error[data-field="window"]');
    expect(err?.textContent).toContain('body/window must match pattern');
    expect(host.querySelector('.alert-form-error')?.textContent).toContain('refused');
    expect(onSaved).not.toHaveBeenCalled();
    const sent = requests.find((r) => r.url === '/api/v1/alerts/rules');
    expect(sent?.method).toBe('POST');
    expect((sent?.body as { window: string }).window).toBe('-5m');
    change(control('Window'), '5m');
    expect(host.querySelector('.field-error[data-field="window"]')).toBeNull();
    expect(host.querySelector('.alert-form-error')).toBeNull();
  });

  it('hands the saved rule over on success', async () => {
    ruleAnswer = { status: 201, body: { ...previewlessRule(), id: 'r9' } };
    const onSaved = renderForm();
    change(control('Name'), 'Pay errors');
    await act(async () => {
      (host.querySelector('form') as HTMLFormElement).requestSubmit();
      await new Promise((r) => setTimeout(r, 50));
    });
    expect(onSaved).toHaveBeenCalledWith(expect.objectContaining({ id: 'r9' }));
  });

  it('previews the draft after a pause in typing, and again when the threshold changes', async () => {
    renderForm();
    await settle();
    expect(previews()).toHaveLength(1);
    const chart = host.querySelector('.alert-preview-chart');
    expect(chart?.getAttribute('data-threshold')).toBe('0.05');
    expect(chart?.getAttribute('data-markers')).toBe('2');
    expect(host.textContent).toContain('would have fired 1 time(s)');
    // The error rate reads in percent: the default 0.05 is shown as 5 %.
    expect(control('Threshold').value).toBe('5');
    expect(host.querySelector('.alert-unit')?.textContent).toBe('%');
    expect(chart?.getAttribute('aria-label')).toBe('Rule series with threshold > 5 %');
    // Three quick edits make one request, for the last value, sent as the stored share.
    change(control('Threshold'), '3');
    change(control('Threshold'), '30.');
    change(control('Threshold'), '30.9');
    await settle();
    expect(previews()).toHaveLength(2);
    expect(
      (previews()[1]?.body as { rule: { condition: { threshold: number } } }).rule.condition
        .threshold,
    ).toBe(0.309);
    const next = host.querySelector('.alert-preview-chart');
    expect(next?.getAttribute('data-threshold')).toBe('0.309');
    expect(next?.getAttribute('aria-label')).toBe('Rule series with threshold > 30.9 %');
    expect(next?.textContent).toContain('threshold > 30.9 %');
    // A latency is not a ratio: no percent there.
    change(control('Measure'), 'latency');
    expect(host.querySelector('.alert-unit')).toBeNull();
  });

  it('picks the service from those that sent traces, then one of its operations', async () => {
    renderForm();
    await settle();
    const service = control('Service') as HTMLSelectElement;
    const options = (el: HTMLSelectElement) => [...el.options].map((o) => o.value);
    expect(options(service)).toEqual(['', 'checkout', 'payments']);
    const asked = requests.find((r) => r.url.startsWith('/api/v1/services?'))?.url ?? '';
    const range = new URL(asked, 'http://x').searchParams;
    expect(Number(range.get('to')) - Number(range.get('from'))).toBe(86_400_000);
    const operation = control('Operation') as HTMLSelectElement;
    expect(operation.disabled).toBe(true);
    change(service, 'checkout');
    await settle();
    // One entry per name, whatever the span kinds.
    expect(options(operation)).toEqual(['', 'GET /cart', 'POST /checkout']);
    expect(operation.disabled).toBe(false);
    change(operation, 'POST /checkout');
    await settle();
    const last = previews().at(-1)?.body as { rule: { query: unknown } };
    expect(last.rule.query).toEqual({
      kind: 'trace_red',
      measure: 'error_rate',
      service: 'checkout',
      operation: 'POST /checkout',
    });
    // A metric rule picks among services that sent metrics; the one chosen before stays, marked.
    change(control('Query kind'), 'metric');
    await settle();
    const metricService = control('Service') as HTMLSelectElement;
    expect(options(metricService)).toEqual(['', 'payments', 'checkout']);
    expect(metricService.selectedOptions[0]?.textContent).toBe(
      'checkout (no data in the last 24 h)',
    );
  });

  it('keeps a stored service the data no longer has, and says so', async () => {
    act(() =>
      root.render(
        <RuleForm
          initial={{ ...NEW_RULE, service: 'legacy', operation: 'GET /old' }}
          hours={1}
          onHours={() => undefined}
          onSaved={vi.fn()}
          onCancel={() => undefined}
        />,
      ),
    );
    await settle();
    const service = control('Service') as HTMLSelectElement;
    expect(service.value).toBe('legacy');
    expect(service.selectedOptions[0]?.textContent).toBe('legacy (no data in the last 24 h)');
    expect((control('Operation') as HTMLSelectElement).value).toBe('GET /old');
  });

  it('points at a search syntax error inline and does not preview the broken query', async () => {
    renderForm();
    await settle();
    change(control('Query kind'), 'log_count');
    change(
      host.querySelector('input[aria-label="Log search"]') as HTMLInputElement,
      'level:(error',
    );
    await settle();
    expect(host.querySelector('.alert-search [role=alert]')?.textContent).toMatch(
      /Column \d+: expected/,
    );
    expect(previews().some((p) => JSON.stringify(p.body).includes('level:(error'))).toBe(false);
    expect(host.textContent).toContain('Fix the fields marked in red');
  });
});

function previewlessRule() {
  return {
    name: 'Pay errors',
    enabled: true,
    query: { kind: 'trace_red', measure: 'error_rate' },
    condition: { op: '>', threshold: 0.05 },
    window: '5m',
    interval: '1m',
    for: '5m',
    severity: 'warning',
    labels: {},
    groupBy: [],
    noData: 'keep',
    message: '',
    channels: [],
    createdAt: '2026-11-22T00:00:00.000Z',
    updatedAt: '2026-11-22T00:00:00.000Z',
  };
}
