import { describe, expect, it } from 'vitest';
import type { MetricQueryResult } from '@sightline/model/api/metrics';
import { pipelineResult } from './pipeline-test-results.ts';
import type { PointValue } from '@sightline/model/prom-value';
import { figureQueries, latest, pipelineFigures } from './pipeline-figures.ts';
import { INTERNAL_FILTER } from './pipeline-panels.ts';

const result = pipelineResult;
const one = (...values: PointValue[]): MetricQueryResult['series'] => [
  { labels: {}, points: values.map((v, i): [number, PointValue] => [i * 1000, v]) },
];

describe('pipeline figures', () => {
  it('asks for the counters as they stand, over internal data', () => {
    const qs = figureQueries(INTERNAL_FILTER);
    expect(qs.map((q) => q.id)).toEqual(['figure:rejected', 'figure:refused']);
    for (const q of qs) {
      expect(q.filters?.[0]).toEqual(INTERNAL_FILTER);
      expect(q.aggregation).toBe('last_over_time');
    }
    expect(qs[0]?.filters?.[1]).toEqual({ key: 'outcome', op: 'eq', value: 'rejected' });
  });

  it('reads the newest finite value of each series and sums the series', () => {
    const r = [result('a', [...one(1, 2, null), ...one(5, 'NaN', 7), ...one(null, null, null)])];
    expect(latest(r, 'a')).toBe(9);
    expect(latest(r, 'a', () => false)).toBeNull();
    expect(latest(r, 'b')).toBeNull();
    expect(latest([result('c', one(4, '+Inf'))], 'c')).toBe(4);
  });

  it('states each figure with its unit and meaning', () => {
    const figures = pipelineFigures([
      // Acknowledged: the accepted items of every signal; rejected ones are not acknowledged.
      result('items:1', [
        { labels: { signal: 'traces', outcome: 'accepted' }, points: [[0, 1000]] },
        { labels: { signal: 'logs', outcome: 'accepted' }, points: [[0, 234.5]] },
        { labels: { signal: 'traces', outcome: 'rejected' }, points: [[0, 7]] },
      ]),
      result('queue:0', one(10, 0)),
      result('figure:rejected', one(null, 12)),
      result('figure:refused', one(3)),
    ]);
    const by = Object.fromEntries(figures.map((f) => [f.id, f]));
    expect(figures.map((f) => f.id)).toEqual(['acknowledged', 'queue', 'rejected', 'lag']);
    expect(by.acknowledged?.value).toBe('1.23k items/s');
    expect(by.queue?.value).toBe('0 rows');
    expect(by.rejected?.value).toBe('12 items');
    expect(by.rejected?.detail).toBe('3 requests refused when full (429/503; senders retry)');
    expect(by.lag?.value).toBe('—');
    expect(by.lag?.meaning).toContain('No Kafka consumer');
    for (const f of figures) expect(f.meaning.length).toBeGreaterThan(20);
  });

  it('counts nothing rejected as zero while receive reports, and — when nothing reports', () => {
    const quiet = pipelineFigures([
      result('items:1', [{ labels: { signal: 'traces', outcome: 'accepted' }, points: [[0, 0]] }]),
      result('lag:0', one(42)),
    ]);
    const by = Object.fromEntries(quiet.map((f) => [f.id, f]));
    expect(by.acknowledged?.value).toBe('0 items/s');
    expect(by.rejected?.value).toBe('0 items');
    expect(by.rejected?.detail).toBeUndefined();
    expect(by.lag?.value).toBe('42 messages');
    expect(by.lag?.meaning).toContain('not yet stored');
    expect(pipelineFigures([]).map((f) => f.value)).toEqual(['—', '—', '—', '—']);
  });
});
