import { describe, expect, it } from 'vitest';
import type { BoardPanel, Panel, RowPanel } from '@sightline/model/api/dashboards';
import { collapseRow, expandRow, newRow, removeRow, rowMembers } from './rows.ts';

const panel = (id: string, x: number, y: number, w: number, h: number): Panel => ({
  id,
  title: id,
  type: 'timeseries',
  queries: [{ signal: 'logs', q: '' }],
  options: {},
  grid: { x, y, w, h },
});
const row = (id: string, y: number, over: Partial<RowPanel> = {}): RowPanel => ({
  id,
  type: 'row',
  title: id,
  collapsed: false,
  panels: [],
  grid: { x: 0, y, w: 24, h: 1 },
  ...over,
});
const where = (ps: readonly BoardPanel[]) => ps.map((p) => `${p.id}@${p.grid.y}`);

// top (0–4), row A (5), two side by side (6–13, 6–9), row B (14), one panel (15–20)
const board: BoardPanel[] = [
  panel('top', 0, 0, 24, 5),
  row('A', 5),
  panel('a1', 0, 6, 12, 8),
  panel('a2', 12, 6, 12, 4),
  row('B', 14),
  panel('b1', 0, 15, 24, 6),
];

describe('rows', () => {
  it('group the panels below them, down to the next row', () => {
    expect(rowMembers(board, board[1] as RowPanel).map((p) => p.id)).toEqual(['a1', 'a2']);
    expect(rowMembers(board, board[4] as RowPanel).map((p) => p.id)).toEqual(['b1']);
  });

  it('collapse into the row, and what follows rises into the space', () => {
    const shut = collapseRow(board, 'A');
    expect(where(shut)).toEqual(['top@0', 'A@5', 'B@6', 'b1@7']);
    const a = shut[1] as RowPanel;
    expect(a.collapsed).toBe(true);
    // Kept where they were, so expanding puts them back as they were.
    expect(where(a.panels)).toEqual(['a1@6', 'a2@6']);
  });

  it('expand back to the board as it was', () => {
    expect(expandRow(collapseRow(board, 'A'), 'A')).toEqual(board);
    expect(expandRow(collapseRow(board, 'B'), 'B')).toEqual(board);
    const both = collapseRow(collapseRow(board, 'B'), 'A');
    expect(where(both)).toEqual(['top@0', 'A@5', 'B@6']);
    expect(expandRow(expandRow(both, 'B'), 'A')).toEqual(board);
  });

  it('expand a row saved collapsed at another place under it, pushing the rest down', () => {
    const saved = [
      row('R', 0, { collapsed: true, panels: [panel('x', 0, 40, 24, 3)] }),
      panel('y', 0, 1, 24, 2),
    ];
    expect(where(expandRow(saved, 'R'))).toEqual(['R@0', 'x@1', 'y@4']);
  });

  it('leave an empty row, an expanded row and an unknown id alone', () => {
    expect(where(collapseRow([row('E', 0)], 'E'))).toEqual(['E@0']);
    expect(expandRow(board, 'A')).toEqual(board);
    expect(collapseRow(board, 'nope')).toEqual(board);
  });

  it('are added under everything and removed without their panels', () => {
    const r = newRow(board, 'New');
    expect(r).toMatchObject({ type: 'row', title: 'New', collapsed: false, panels: [] });
    expect(r.grid).toEqual({ x: 0, y: 21, w: 24, h: 1 });
    expect(where(removeRow(collapseRow(board, 'A'), 'A'))).toEqual([
      'top@0',
      'a1@6',
      'a2@6',
      'B@14',
      'b1@15',
    ]);
  });
});
