import { describe, expect, it } from 'vitest';
import type { MetricInfo } from '@sightline/model/api/metrics';
import { groupMetrics, unitLabel } from './metric-search.ts';

const m = (name: string, services: string[], unit = '', description = ''): MetricInfo => ({
  name,
  type: 'gauge',
  unit,
  description,
  services,
});

describe('groupMetrics', () => {
  const all = [
    m('http.duration', ['web', 'api'], 'ms', 'Time to answer'),
    m('queue.depth', ['worker'], '{items}', 'Items waiting'),
    m('orphan', []),
  ];
  it('groups by service (a metric under each sender), services by name', () => {
    expect(groupMetrics(all, '').map((g) => [g.service, g.metrics.map((x) => x.name)])).toEqual([
      ['', ['orphan']],
      ['api', ['http.duration']],
      ['web', ['http.duration']],
      ['worker', ['queue.depth']],
    ]);
  });
  it('keeps metrics holding every word in name, description, unit or service', () => {
    const names = (q: string) =>
      groupMetrics(all, q).map((g) => `${g.service}:${g.metrics[0]?.name}`);
    expect(names('ANSWER ms')).toEqual(['api:http.duration', 'web:http.duration']);
    expect(names('web')).toEqual(['web:http.duration']);
    expect(names('items')).toEqual(['worker:queue.depth']);
    expect(names('items web')).toEqual([]);
  });
});

describe('unitLabel', () => {
  it('names units a reader knows', () => {
    expect(unitLabel('')).toBe('no unit');
    expect(unitLabel('1')).toBe('ratio, shown as %');
    expect(unitLabel('{requests}/s')).toBe('count of requests per second');
    expect(unitLabel('By')).toBe('bytes');
    expect(unitLabel('ms')).toBe('ms');
  });
});
