import type { MetricInfo } from '@sightline/model/api/metrics';
import { parseUnit } from '../units.ts';

export interface MetricGroup {
  /** '' for points sent without a service name. */
  readonly service: string;
  readonly metrics: readonly MetricInfo[];
}

/**
 * The metrics whose name, description, unit or service hold every word of `search`
 * (case-insensitive), grouped by the service that sends them, services by name. A metric sent by
 * several services appears under each of them.
 */
export function groupMetrics(metrics: readonly MetricInfo[], search: string): MetricGroup[] {
  const words = search.toLowerCase().split(/\s+/).filter(Boolean);
  const groups = new Map<string, MetricInfo[]>();
  for (const m of metrics) {
    for (const service of m.services.length > 0 ? m.services : ['']) {
      const text = `${m.name} ${m.description} ${m.unit} ${service}`.toLowerCase();
      if (!words.every((w) => text.includes(w))) continue;
      const list = groups.get(service) ?? [];
      list.push(m);
      groups.set(service, list);
    }
  }
  return [...groups.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([service, list]) => ({ service, metrics: list }));
}

/** The unit as a reader wants it next to a metric's name. */
export function unitLabel(unit: string): string {
  if (unit === '') return 'no unit';
  const p = parseUnit(unit);
  if (p.kind === 'ratio') return 'ratio, shown as %';
  if (p.kind === 'bytes' && p.base === 1) return p.rate ? 'bytes per second' : 'bytes';
  if (p.kind === 'count' && p.label !== '')
    return `count of ${p.label}${p.rate ? ' per second' : ''}`;
  return unit;
}
