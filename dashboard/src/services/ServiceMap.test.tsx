// @vitest-environment happy-dom
import { act } from 'react';
import { describe, expect, it, vi } from 'vitest';
import { mountPerTest } from '../test-mount.ts';
import type { ServiceMapResponse } from '@sightline/model/api/services';
import { ServiceMap } from './ServiceMap.tsx';

const view = mountPerTest();

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
    act(() => view.root.render(<ServiceMap map={MAP} onOpen={() => undefined} />));
    const r = (s: string) =>
      Number(view.host.querySelector(`[data-service="${s}"] circle`)?.getAttribute('r'));
    expect(r('frontend')).toBeGreaterThan(r('payments'));
    const line = view.host.querySelector('line.map-edge');
    expect(line?.getAttribute('data-caller')).toBe('frontend');
    expect(line?.getAttribute('data-callee')).toBe('payments');
    expect(line?.getAttribute('class')).toContain('band-bad');
    expect(line?.getAttribute('marker-end')).toBe('url(#map-arrow-bad)');
  });

  it('shows rate, error rate and p95 on hover, and opens a service on click', () => {
    const onOpen = vi.fn();
    const stats = new Map([['payments', { p95Ms: 250 }]]);
    act(() => view.root.render(<ServiceMap map={MAP} stats={stats} onOpen={onOpen} />));
    const payments = view.host.querySelector('[data-service="payments"]') as SVGGElement;
    act(() => {
      payments.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    const tip = view.host.querySelector('[role=tooltip]')?.textContent ?? '';
    expect(tip).toContain('payments');
    expect(tip).toContain('1/s');
    expect(tip).toContain('10.0%');
    expect(tip).toContain('p95 250 ms');
    act(() => {
      view.host
        .querySelector('line.map-edge')
        ?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    expect(view.host.querySelector('[role=tooltip]')?.textContent).toContain('p95 42.0 ms');
    act(() => {
      payments.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(onOpen).toHaveBeenCalledWith('payments');
  });
});
