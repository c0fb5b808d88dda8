import type { Panel } from '@sightline/model/api/dashboards';

let seq = 0;

/** An id no panel of `panels` has. */
export function newPanelId(panels: readonly Panel[]): string {
  let id: string;
  do id = `p${Date.now().toString(36)}${(seq++).toString(36)}`;
  while (panels.some((p) => p.id === id));
  return id;
}

/** A half-width slot under every panel. */
export const placeBelow = (panels: readonly Panel[]): Panel['grid'] => ({
  x: 0,
  y: Math.max(0, ...panels.map((p) => p.grid.y + p.grid.h)),
  w: 12,
  h: 8,
});
