import { describe, expect, it } from 'vitest';
import { pipelineResult } from './pipeline-test-results.ts';
import { PANELS, panelSeries, pipelineRequest } from './pipeline-panels.ts';

const result = pipelineResult;

describe('pipeline panels', () => {
  it('asks for every panel query in one request, each limited to internal data', () => {
    const req = pipelineRequest(1000, 2000);
    expect(req.from).toBe('1000');
    // The figures add two queries (rejected items and refused requests over the range).
    expect(req.queries).toHaveLength(PANELS.reduce((n, p) => n + p.queries.length, 2));
    expect(req.queries.length).toBeLessThanOrEqual(20);
    expect(new Set(req.queries.map((q) => q.id)).size).toBe(req.queries.length);
    for (const q of req.queries) {
      expect(q.filters?.[0]).toEqual({
        key: 'resource.sightline.internal',
        op: 'eq',
        value: 'true',
      });
    }
  });

  it('names series after their query and labels, and leaves out series without values', () => {
    const items = PANELS.find((p) => p.id === 'items');
    if (!items) throw new Error('no items panel');
    const series = panelSeries(
      items,
      [
        result('items:0', [
          {
            labels: { signal: 'traces' },
            points: [
              [0, 1],
              [1000, 2],
            ],
          },
          {
            labels: { signal: 'logs' },
            points: [
              [0, null],
              [1000, null],
            ],
          },
        ]),
        result('items:1', [{ labels: { signal: 'traces', outcome: '' }, points: [[0, 3]] }]),
        result('queue:0', [{ labels: {}, points: [[0, 9]] }]),
      ],
      (i) => `c${i}`,
    );
    expect(series.map((s) => [s.name, s.color, [...s.points]])).toEqual([
      [
        'received · traces',
        'c0',
        [
          [0, 1],
          [1000, 2],
        ],
      ],
      ['by outcome · traces ∅', 'c1', [[0, 3]]],
    ]);
  });
});
