import { describe, expect, it } from 'vitest';
import type { ServiceMapEdge, ServiceMapNode } from '@sightline/model/api/services';
import {
  callDepths,
  edgeBreakerState,
  errorBand,
  layoutServiceMap,
  MAX_RADIUS,
  MIN_RADIUS,
  nodeRadius,
} from './service-map-layout.ts';

const node = (service: string, requests: number, errors = 0): ServiceMapNode => ({
  service,
  kind: 'service',
  requests,
  errors,
  errorRate: requests ? errors / requests : null,
});
const edge = (caller: string, callee: string, calls = 10, errors = 0): ServiceMapEdge => ({
  caller,
  callee,
  calleeKind: 'service',
  calls,
  errors,
  errorRate: errors / calls,
  p95Ms: 12,
  breakers: [],
});

describe('service map layout', () => {
  it('sizes nodes by the square root of their rate, within bounds', () => {
    expect(nodeRadius(0, 10)).toBe(MIN_RADIUS);
    expect(nodeRadius(10, 10)).toBe(MAX_RADIUS);
    const quarter = nodeRadius(2.5, 10);
    expect(quarter - MIN_RADIUS).toBeCloseTo((MAX_RADIUS - MIN_RADIUS) / 2);
  });

  it('bands error rates', () => {
    expect(errorBand(null)).toBe('ok');
    expect(errorBand(0.005)).toBe('ok');
    expect(errorBand(0.02)).toBe('warn');
    expect(errorBand(0.5)).toBe('bad');
  });

  it('gives each service its longest call depth and survives cycles', () => {
    const d = callDepths(
      ['web', 'api', 'db', 'cache'],
      [
        edge('web', 'api'),
        edge('api', 'db'),
        edge('web', 'db'),
        edge('api', 'cache'),
        edge('cache', 'api'),
      ],
    );
    expect(d.get('web')).toBe(0);
    expect(d.get('api')).toBeGreaterThanOrEqual(1);
    expect(d.get('db')).toBeGreaterThan(d.get('web') ?? 0);
    const cycle = callDepths(['a', 'b'], [edge('a', 'b'), edge('b', 'a')]);
    expect([...cycle.values()].every((v) => Number.isInteger(v))).toBe(true);
  });

  it('puts callers left of callees, keeps nodes apart, and ends arrows at the rims', () => {
    const layout = layoutServiceMap(
      [node('web', 600), node('api', 300, 30), node('db', 100)],
      [edge('web', 'api', 300), edge('api', 'db', 100, 1)],
      60,
    );
    const at = (s: string) => layout.nodes.find((n) => n.service === s);
    const web = at('web');
    const api = at('api');
    const db = at('db');
    if (!web || !api || !db) throw new Error('missing node');
    expect(web.x).toBeLessThan(api.x);
    expect(api.x).toBeLessThan(db.x);
    expect(web.r).toBeGreaterThan(db.r);
    expect(web.rate).toBe(10);
    for (const a of layout.nodes)
      for (const b of layout.nodes)
        if (a !== b) expect(Math.hypot(a.x - b.x, a.y - b.y)).toBeGreaterThan(a.r + b.r);
    for (const n of layout.nodes) {
      expect(n.x - n.r).toBeGreaterThanOrEqual(0);
      expect(n.y + n.r).toBeLessThanOrEqual(layout.height);
    }
    const e = layout.edges.find((x) => x.caller === 'web');
    if (!e) throw new Error('missing edge');
    expect(Math.hypot(e.x1 - web.x, e.y1 - web.y)).toBeCloseTo(web.r);
    expect(Math.hypot(e.x2 - api.x, e.y2 - api.y)).toBeCloseTo(api.r + 3);
  });

  it('draws services named only by an edge, and self calls as loops', () => {
    const layout = layoutServiceMap([node('a', 5)], [edge('a', 'ghost'), edge('a', 'a')], 60);
    expect(layout.nodes.map((n) => n.service).sort()).toEqual(['a', 'ghost']);
    expect(layout.edges.find((e) => e.callee === 'a')?.self).toBe(true);
  });

  it('keeps the kind of a store named only by an edge, and ranks breaker states', () => {
    const toDb = { ...edge('a', 'postgresql db:5432'), calleeKind: 'database' as const };
    const layout = layoutServiceMap([node('a', 5)], [toDb], 60);
    expect(layout.nodes.map((n) => [n.service, n.kind])).toEqual([
      ['a', 'service'],
      ['postgresql db:5432', 'database'],
    ]);
    const guarded = (...states: ('open' | 'half-open' | 'closed' | null)[]) => ({
      ...toDb,
      breakers: states.map((state, i) => ({ name: `b${i}`, state })),
    });
    expect(edgeBreakerState(guarded())).toBeNull();
    expect(edgeBreakerState(guarded('closed', null))).toBeNull();
    expect(edgeBreakerState(guarded('closed', 'half-open'))).toBe('half-open');
    expect(edgeBreakerState(guarded('half-open', 'open', 'closed'))).toBe('open');
  });
});
