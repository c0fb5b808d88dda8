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
    { service: 'frontend', kind: 'service', requests: 600, errors: 0, errorRate: 0 },
    { service: 'payments', kind: 'service', requests: 60, errors: 6, errorRate: 0.1 },
  ],
  edges: [
    {
      caller: 'frontend',
      callee: 'payments',
      calleeKind: 'service',
      calls: 60,
      errors: 6,
      errorRate: 0.1,
      p95Ms: 42,
      breakers: [],
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

  it('draws stores by kind, not as services to open, and an open breaker’s edge dashed and labelled', () => {
    const onOpen = vi.fn();
    const map: ServiceMapResponse = {
      ...MAP,
      nodes: [
        ...MAP.nodes,
        { service: 'postgresql db:5432', kind: 'database', requests: 30, errors: 0, errorRate: 0 },
        { service: 'redis cache', kind: 'cache', requests: 90, errors: 0, errorRate: 0 },
      ],
      edges: [
        ...MAP.edges,
        {
          caller: 'payments',
          callee: 'postgresql db:5432',
          calleeKind: 'database',
          calls: 30,
          errors: 0,
          errorRate: 0,
          p95Ms: 3,
          breakers: [
            { name: 'ledger-db', state: 'open' },
            { name: 'audit-db', state: 'closed' },
          ],
        },
        {
          caller: 'frontend',
          callee: 'redis cache',
          calleeKind: 'cache',
          calls: 90,
          errors: 0,
          errorRate: 0,
          p95Ms: 1,
          breakers: [{ name: 'session-cache', state: 'closed' }],
        },
      ],
    };
    act(() => view.root.render(<ServiceMap map={map} onOpen={onOpen} />));
    const pg = view.host.querySelector('[data-service="postgresql db:5432"]');
    expect(pg?.getAttribute('data-kind')).toBe('database');
    expect(pg?.querySelector('rect')).not.toBeNull();
    expect(view.host.querySelector('[data-service="redis cache"] polygon')).not.toBeNull();
    act(() => {
      pg?.dispatchEvent(new MouseEvent('click', { bubbles: true }));
    });
    expect(onOpen).not.toHaveBeenCalled();

    const edge = (callee: string) => view.host.querySelector(`line[data-callee="${callee}"]`);
    const open = edge('postgresql db:5432');
    expect(open?.getAttribute('data-breaker')).toBe('open');
    // Red whatever its error rate (none here): an open breaker fails every call fast.
    expect(open?.getAttribute('class')).toContain('band-bad');
    expect(open?.getAttribute('class')).toContain('breaker-open');
    expect(open?.parentElement?.textContent).toBe('⊘ breaker open');
    const closed = edge('redis cache');
    expect(closed?.getAttribute('data-breaker')).toBeNull();
    expect(closed?.getAttribute('class')).not.toContain('breaker');
    act(() => {
      open?.dispatchEvent(new MouseEvent('mouseover', { bubbles: true }));
    });
    const tip = view.host.querySelector('[role=tooltip]')?.textContent ?? '';
    expect(tip).toContain('breaker ledger-db: open');
    expect(tip).toContain('breaker audit-db: closed');
  });
});
