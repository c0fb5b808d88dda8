import { describe, expect, it } from 'vitest';
import { upgradeDashboard } from './dashboard-upgrade.ts';

const grid = { x: 0, y: 0, w: 24, h: 8 };

describe('upgradeDashboard', () => {
  it("turns a panel's one query into a list of one, in rows' panels too", () => {
    const q = { signal: 'logs', q: 'level:error' };
    const doc = {
      title: 't',
      panels: [
        { id: 'a', type: 'logs', query: q, options: {}, grid },
        { id: 'r', type: 'row', collapsed: true, grid, panels: [{ id: 'b', query: q, grid }] },
      ],
    };
    expect(upgradeDashboard(doc)).toEqual({
      title: 't',
      panels: [
        { id: 'a', type: 'logs', queries: [q], options: {}, grid },
        { id: 'r', type: 'row', collapsed: true, grid, panels: [{ id: 'b', queries: [q], grid }] },
      ],
    });
  });

  it("leaves today's shape, and what is not a dashboard, for validation to judge", () => {
    const today = { panels: [{ id: 'a', queries: [{ signal: 'logs', q: '' }] }] };
    expect(upgradeDashboard(today)).toEqual(today);
    // Both fields: not ours to pick one; the schema refuses the extra one or keeps `queries`.
    const both = { panels: [{ id: 'a', query: 1, queries: [] }] };
    expect(upgradeDashboard(both)).toEqual(both);
    for (const v of [null, 'x', 3, [], { panels: 'no' }, { panels: [null, 'p'] }])
      expect(upgradeDashboard(v)).toEqual(v);
  });
});
