import {
  GRID_COLUMNS,
  type BoardPanel,
  type Panel,
  type RowPanel,
} from '@sightline/model/api/dashboards';
import { newPanelId, placeBelow } from './layout.ts';

/**
 * Rows group the panels under them, down to the next row. Collapsing moves those panels into the
 * row (so they are neither drawn nor queried) and lifts what follows into the space they left;
 * expanding puts them back under the row and pushes what follows down by as much.
 */

const bottom = (ps: readonly { grid: Panel['grid'] }[]) =>
  Math.max(0, ...ps.map((p) => p.grid.y + p.grid.h));

const moved = <T extends BoardPanel>(p: T, dy: number): T =>
  dy === 0 ? p : { ...p, grid: { ...p.grid, y: p.grid.y + dy } };

/** The panels a row groups while expanded: below it, above the next row. */
export function rowMembers(panels: readonly BoardPanel[], row: RowPanel): Panel[] {
  const next = Math.min(
    Infinity,
    ...panels.filter((p) => p.type === 'row' && p.grid.y > row.grid.y).map((p) => p.grid.y),
  );
  return panels.filter(
    (p): p is Panel => p.type !== 'row' && p.grid.y > row.grid.y && p.grid.y < next,
  );
}

export function collapseRow(panels: readonly BoardPanel[], id: string): BoardPanel[] {
  const row = panels.find((p): p is RowPanel => p.id === id && p.type === 'row');
  if (!row || row.collapsed) return [...panels];
  const members = rowMembers(panels, row);
  const inside = new Set(members.map((p) => p.id));
  const rest = panels.filter((p) => !inside.has(p.id) && p.id !== row.id);
  // What follows rises by the height the members took, measured from the next thing below them.
  const after = rest.filter((p) => p.grid.y > row.grid.y);
  const freed = members.length
    ? Math.min(bottom(members), ...after.map((p) => p.grid.y)) - (row.grid.y + 1)
    : 0;
  return [
    ...panels
      .filter((p) => !inside.has(p.id))
      .map((p) =>
        p.id === row.id
          ? { ...row, collapsed: true, panels: members }
          : p.grid.y > row.grid.y
            ? moved(p, -Math.max(0, freed))
            : p,
      ),
  ];
}

export function expandRow(panels: readonly BoardPanel[], id: string): BoardPanel[] {
  const row = panels.find((p): p is RowPanel => p.id === id && p.type === 'row');
  if (!row || !row.collapsed) return [...panels];
  const top = Math.min(...row.panels.map((p) => p.grid.y));
  const members = row.panels.map((p) => moved(p, row.grid.y + 1 - top));
  const height = members.length ? bottom(members) - (row.grid.y + 1) : 0;
  return panels.flatMap((p) =>
    p.id === row.id
      ? [{ ...row, collapsed: false, panels: [] }, ...members]
      : [p.grid.y > row.grid.y ? moved(p, height) : p],
  );
}

/** A new expanded row under everything. */
export const newRow = (panels: readonly BoardPanel[], title: string): RowPanel => ({
  id: newPanelId(panels),
  type: 'row',
  title,
  collapsed: false,
  panels: [],
  grid: { x: 0, y: placeBelow(panels).y, w: GRID_COLUMNS, h: 1 },
});

/** Removes a row heading; the panels it held stay on the board. */
export const removeRow = (panels: readonly BoardPanel[], id: string): BoardPanel[] =>
  expandRow(panels, id).filter((p) => p.id !== id);
