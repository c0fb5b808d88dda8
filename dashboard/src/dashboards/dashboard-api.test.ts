import { describe, expect, it } from 'vitest';
import { parseImport } from './dashboard-api.ts';

const doc = {
  title: 'Imported ✓',
  description: '',
  tags: [],
  variables: [],
  timeRange: { last: '1h' },
  refresh: 'off',
};
const grid = { x: 0, y: 0, w: 12, h: 8 };

describe('parseImport', () => {
  it('reads a file exported before panels held several queries', () => {
    const old = {
      ...doc,
      id: 'x',
      version: 4,
      panels: [
        { id: 'a', title: '', type: 'stat', query: { signal: 'logs', q: '' }, options: {}, grid },
      ],
    };
    expect(parseImport(JSON.stringify(old))).toEqual({
      ...doc,
      panels: [
        {
          id: 'a',
          title: '',
          type: 'stat',
          queries: [{ signal: 'logs', q: '' }],
          options: {},
          grid,
        },
      ],
    });
  });

  it('names what is wrong: not JSON, a schema field, a rule of the board', () => {
    expect(parseImport('{')).toMatch(/^not JSON: /);
    expect(parseImport(JSON.stringify({ ...doc, panels: [{ id: 'a' }] }))).toMatch(/^\/panels\/0/);
    const listOfTwo = {
      ...doc,
      panels: [
        {
          id: 'a',
          title: '',
          type: 'logs',
          queries: [
            { signal: 'logs', q: 'a' },
            { signal: 'logs', q: 'b' },
          ],
          options: {},
          grid,
        },
      ],
    };
    expect(parseImport(JSON.stringify(listOfTwo))).toBe(
      'panels[0].queries: a logs panel shows one search, not 2',
    );
  });
});
