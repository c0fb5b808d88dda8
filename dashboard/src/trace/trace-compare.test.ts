import { describe, expect, it } from 'vitest';
import { span } from './span-fixture.ts';
import { compareTraces, countDiffs } from './trace-compare.ts';
import { buildTree } from './waterfall-layout.ts';

const named = (id: string, parent: string, start: number, dur: number, name: string, svc = 'web') =>
  span(id, parent, start, dur, svc, { name });

// A: GET / ─┬─ auth (10 ms) ─ cache
//           ├─ query (20 ms)
//           └─ query (20 ms)
const A = buildTree([
  named('a1', '', 0, 100, 'GET /'),
  named('a2', 'a1', 1, 10, 'auth'),
  named('a3', 'a2', 2, 1, 'cache', 'redis'),
  named('a4', 'a1', 20, 20, 'query', 'db'),
  named('a5', 'a1', 50, 20, 'query', 'db'),
]);
// B: no cache call, auth 10.5 ms (same), the 2nd query 60 ms (slower), a new render span
const B = buildTree([
  named('b1', '', 0, 150, 'GET /'),
  named('b2', 'b1', 1, 10.5, 'auth'),
  named('b4', 'b1', 20, 20, 'query', 'db'),
  named('b5', 'b1', 50, 60, 'query', 'db'),
  named('b6', 'b1', 120, 5, 'render'),
]);

describe('compareTraces', () => {
  const rows = compareTraces(A, B);
  it('pairs the same calls by their place in the tree, repeats in order', () => {
    expect(rows.map((r) => [r.name, r.a?.spanId ?? null, r.b?.spanId ?? null, r.depth])).toEqual([
      ['GET /', 'a1', 'b1', 0],
      ['auth', 'a2', 'b2', 1],
      ['cache', 'a3', null, 2],
      ['query', 'a4', 'b4', 1],
      ['query', 'a5', 'b5', 1],
      ['render', null, 'b6', 1],
    ]);
  });
  it('marks spans in one trace only and durations that differ by more than 10 %', () => {
    expect(rows.map((r) => r.diff)).toEqual([
      'slower',
      'same',
      'only-a',
      'same',
      'slower',
      'only-b',
    ]);
    expect(countDiffs(compareTraces(B, A))).toEqual({
      'only-a': 1,
      'only-b': 1,
      slower: 0,
      faster: 2,
      same: 2,
    });
  });
  it('compares a trace with itself as all the same', () => {
    expect(countDiffs(compareTraces(A, A)).same).toBe(5);
  });
});
