// @vitest-environment happy-dom
import { act } from 'react';
import { createRoot, type Root } from 'react-dom/client';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import type { ServiceMapResponse } from '@sightline/model/api/services';
import { ServiceMap } from './ServiceMap.tsx';

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

const MAP: ServiceMapResponse = {
  from: 0,
  to: 60_000,
  nodes: [
    { service: 'frontend', requests: 600, errors: 0, errorRate: 0 },
    { service: 'payments', requests: 60, errors: 6, errorRate: 0.1 },
  ],
  edges: [
    {
      caller: 'frontend',
      callee: 'payments',
      calls: 60,
      errors: 6,
      errorRate: 0.1,
      p95Ms: 42,
    },
  ],
  truncated: false,
};

describe('ServiceMap', () => {
  it('draws nodes sized by rate and an arrow coloured by error rate', () => {
    act(() => root.render(<ServiceMap map={MAP} onOpen={() => undefined} />));
    const r = (s: string) =>
      Number(host.querySelector(`[data-service="${s}"] circle`)?.getAttribute('r'));
    expect(r('frontend')).toBeGreaterThan(r('payments'));
    const line = host.querySelector('line.map-edge');
    expect(line?.getAttribute('data-caller')).toBe('frontend');
    expect(line?.getAttribute('data-callee')).toBe('payments');
    expect(line?.getAttribute('class')).toContain('band-bad');
    expect(line?.getAttribute('marker-end')).toBe('url(#map-arrow-bad)');
  });

  it('shows rate, error rate and p95 on hover, and opens a service on click', () => {
    const onOpen = vi.fn();
    const stats = new Map([['payments', { p95Ms: 250 }]]);
    act(() => root.render(<ServiceMap map={MAP} stats={stats} onOpen={onOpen} />));
    const payments = host.querySelector('[data-service="payments"]') as SVGGElement;
    act(() => {
      payments.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    const tip = host.querySelector('[role=tooltip]')?.textContent ?? '';
    expect(tip).toContain('payments');
    expect(tip).toContain('1/s');
    expect(tip).toContain('10.0%');
    expect(tip).toContain('p95 250 ms');
    act(() => {
      host
        .querySelector('line.map-edge')
        ?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    expect(host.querySelector('[role=tooltip]')?.textContent).toContain('p95 42.0 ms');
    act(() => {
      payments.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(onOpen).toHaveBeenCalledWith('payments');
  });
});
