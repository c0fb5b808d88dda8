import type { BoardPanel } from '@sightline/model/api/dashboards';

let seq = 0;

/** Every id on the board, panels inside collapsed rows included. */
const allIds = (panels: readonly BoardPanel[]): Set<string> =>
  new Set(panels.flatMap((p) => [p.id, ...(p.type === 'row' ? p.panels.map((c) => c.id) : [])]));

/** An id no panel of `panels` (nor of their collapsed rows) has. */
export function newPanelId(panels: readonly BoardPanel[]): string {
  const taken = allIds(panels);
  let id: string;
  do id = `p${Date.now().toString(36)}${(seq++).toString(36)}`;
  while (taken.has(id));
  return id;
}

/** A half-width slot under every panel. */
export const placeBelow = (panels: readonly BoardPanel[]): BoardPanel['grid'] => ({
  x: 0,
  y: Math.max(0, ...panels.map((p) => p.grid.y + p.grid.h)),
  w: 12,
  h: 8,
});
