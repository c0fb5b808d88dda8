import {
  forceCollide,
  forceLink,
  forceManyBody,
  forceSimulation,
  forceX,
  forceY,
  type SimulationLinkDatum,
  type SimulationNodeDatum,
} from 'd3-force';
import type { ServiceMapEdge, ServiceMapNode } from '@sightline/model/api/services';

export const MIN_RADIUS = 14;
export const MAX_RADIUS = 36;
const COLUMN_GAP = 190;
const PADDING = 70;

export interface PlacedNode extends ServiceMapNode {
  readonly x: number;
  readonly y: number;
  readonly r: number;
  /** Requests per second over the map's range. */
  readonly rate: number;
  /** Calls away from a service nobody calls (0 for entry points). */
  readonly depth: number;
}

export interface PlacedEdge extends ServiceMapEdge {
  /** From the caller's rim to the callee's rim, so an arrowhead at the end stays visible. */
  readonly x1: number;
  readonly y1: number;
  readonly x2: number;
  readonly y2: number;
  /** A service calling itself: drawn as a loop above the node. */
  readonly self: boolean;
}

export interface MapLayout {
  readonly nodes: readonly PlacedNode[];
  readonly edges: readonly PlacedEdge[];
  readonly width: number;
  readonly height: number;
}

/** Area grows with the rate, so a service with 4× the traffic looks 4× as big, not 16×. */
export function nodeRadius(rate: number, maxRate: number): number {
  if (maxRate <= 0 || rate <= 0) return MIN_RADIUS;
  return MIN_RADIUS + (MAX_RADIUS - MIN_RADIUS) * Math.sqrt(Math.min(rate / maxRate, 1));
}

export type ErrorBand = 'ok' | 'warn' | 'bad';

/** The worst state of an edge's breakers: an open one makes the whole edge look open. */
export function edgeBreakerState(edge: ServiceMapEdge): 'open' | 'half-open' | null {
  const states = edge.breakers.map((b) => b.state);
  if (states.includes('open')) return 'open';
  return states.includes('half-open') ? 'half-open' : null;
}

/** Edge colour classes: under 1% of calls failing is normal noise, 5% and up is an incident. */
export function errorBand(errorRate: number | null): ErrorBand {
  if (errorRate === null || errorRate < 0.01) return 'ok';
  return errorRate < 0.05 ? 'warn' : 'bad';
}

/**
 * Longest call chain from an entry point to each service; services only reachable through a
 * cycle keep the depth at which the cycle was entered.
 */
export function callDepths(
  services: readonly string[],
  edges: readonly ServiceMapEdge[],
): Map<string, number> {
  const out = new Map<string, string[]>();
  const indegree = new Map(services.map((s) => [s, 0]));
  for (const e of edges) {
    if (e.caller === e.callee) continue;
    out.set(e.caller, [...(out.get(e.caller) ?? []), e.callee]);
    indegree.set(e.callee, (indegree.get(e.callee) ?? 0) + 1);
  }
  const depth = new Map<string, number>();
  let frontier = services.filter((s) => (indegree.get(s) ?? 0) === 0);
  // Every service in a pure cycle: start from the first one so the graph still spreads out.
  if (frontier.length === 0 && services[0] !== undefined) frontier = [services[0]];
  for (const s of frontier) depth.set(s, 0);
  // Bounded by the node count: a longer chain would be going round a cycle.
  for (let level = 1; frontier.length > 0 && level <= services.length; level++) {
    const next: string[] = [];
    for (const s of frontier) {
      for (const callee of out.get(s) ?? []) {
        if ((depth.get(callee) ?? -1) < level) {
          depth.set(callee, level);
          next.push(callee);
        }
      }
    }
    frontier = next;
  }
  for (const s of services) if (!depth.has(s)) depth.set(s, 0);
  return depth;
}

interface SimNode extends SimulationNodeDatum {
  readonly id: string;
  readonly r: number;
  readonly depth: number;
}

/**
 * Positions services with a force simulation (d3-force), pulled into columns by call depth so
 * calls read left to right. d3-force seeds its own generator, so the same map lays out the same.
 */
export function layoutServiceMap(
  nodes: readonly ServiceMapNode[],
  edges: readonly ServiceMapEdge[],
  rangeSeconds: number,
): MapLayout {
  const byName = new Map(nodes.map((n) => [n.service, n]));
  // An edge may name a service the node list dropped (truncated): draw it as a quiet node.
  for (const e of edges) {
    for (const [s, kind] of [
      [e.caller, 'service'],
      [e.callee, e.calleeKind],
    ] as const) {
      if (!byName.has(s)) {
        byName.set(s, { service: s, kind, requests: 0, errors: 0, errorRate: null });
      }
    }
  }
  const all = [...byName.values()];
  const seconds = Math.max(rangeSeconds, 1);
  const maxRate = Math.max(0, ...all.map((n) => n.requests / seconds));
  const depths = callDepths(
    all.map((n) => n.service),
    edges,
  );
  const sim: SimNode[] = all.map((n, i) => {
    const depth = depths.get(n.service) ?? 0;
    return {
      id: n.service,
      r: nodeRadius(n.requests / seconds, maxRate),
      depth,
      x: depth * COLUMN_GAP,
      y: i * 40,
    };
  });
  const links: SimulationLinkDatum<SimNode>[] = edges
    .filter((e) => e.caller !== e.callee)
    .map((e) => ({ source: e.caller, target: e.callee }));
  const simulation = forceSimulation(sim)
    .force(
      'link',
      forceLink<SimNode, SimulationLinkDatum<SimNode>>(links)
        .id((d) => d.id)
        .distance(COLUMN_GAP * 0.8)
        .strength(0.3),
    )
    .force('charge', forceManyBody<SimNode>().strength(-500))
    .force(
      'collide',
      forceCollide<SimNode>((d) => d.r + 34),
    )
    .force('x', forceX<SimNode>((d) => d.depth * COLUMN_GAP).strength(0.9))
    .force('y', forceY<SimNode>(0).strength(0.06))
    .stop();
  // Settled up front: the map appears once, in place, instead of wobbling into shape.
  simulation.tick(300);

  const minX = Math.min(...sim.map((n) => (n.x ?? 0) - n.r));
  const minY = Math.min(...sim.map((n) => (n.y ?? 0) - n.r));
  const maxX = Math.max(...sim.map((n) => (n.x ?? 0) + n.r));
  const maxY = Math.max(...sim.map((n) => (n.y ?? 0) + n.r));
  const placed = new Map<string, PlacedNode>();
  sim.forEach((s, i) => {
    const n = all[i];
    if (!n) return;
    placed.set(n.service, {
      ...n,
      x: (s.x ?? 0) - minX + PADDING,
      y: (s.y ?? 0) - minY + PADDING,
      r: s.r,
      rate: n.requests / seconds,
      depth: s.depth,
    });
  });
  const placedEdges: PlacedEdge[] = [];
  for (const e of edges) {
    const a = placed.get(e.caller);
    const b = placed.get(e.callee);
    if (!a || !b) continue;
    const dx = b.x - a.x;
    const dy = b.y - a.y;
    const len = Math.hypot(dx, dy) || 1;
    placedEdges.push({
      ...e,
      self: a === b,
      x1: a.x + (dx / len) * a.r,
      y1: a.y + (dy / len) * a.r,
      // A few pixels short of the rim, where the arrowhead's tip lands.
      x2: b.x - (dx / len) * (b.r + 3),
      y2: b.y - (dy / len) * (b.r + 3),
    });
  }
  return {
    nodes: [...placed.values()],
    edges: placedEdges,
    width: maxX - minX + 2 * PADDING,
    height: maxY - minY + 2 * PADDING,
  };
}
