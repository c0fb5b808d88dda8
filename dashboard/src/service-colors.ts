import { ServicesResponse } from '@sightline/model/api/traces';
import { apiGet, useApi } from './api.ts';
import { PALETTE } from './format.ts';
import { resolveRange, type TimeRange } from './time-range.ts';

/** Where a name's colour search starts: a hash of the name, so it depends on nothing else. */
function preferred(service: string): number {
  let h = 0;
  for (let i = 0; i < service.length; i++) h = (h * 31 + service.charCodeAt(i)) >>> 0;
  return h % PALETTE.length;
}

let assigned = new Map<string, string>();

/**
 * Gives every service of the range its colour: in name order, each takes the least-used palette
 * colour nearest its preferred one and never the colour of the name before it. Up to the palette's
 * size no two services share a colour; beyond it, neighbours in name order still differ. The
 * same names give the same colours whatever order they come in, so every page agrees.
 */
export function assignServiceColors(services: readonly string[]): void {
  const used: number[] = PALETTE.map(() => 0);
  const next = new Map<string, string>();
  let previous = -1;
  for (const name of [...new Set(services)].sort()) {
    const start = preferred(name);
    let best = -1;
    for (let k = 0; k < PALETTE.length; k++) {
      const i = (start + k) % PALETTE.length;
      if (i === previous) continue;
      if (best === -1 || used[i]! < used[best]!) best = i;
    }
    used[best] = used[best]! + 1;
    previous = best;
    next.set(name, PALETTE[best]!);
  }
  assigned = next;
}

/** A service's colour, the same on every page: as assigned for the range, else by its name. */
export function serviceColor(service: string): string {
  return assigned.get(service) ?? PALETTE[preferred(service)]!;
}

/**
 * Loads every service of the range (Sightline's own included, so the toggle moves no colour) and
 * assigns their colours before the page draws. `enabled` false (signed out): nothing is asked.
 */
export function useServiceColors(range: TimeRange, enabled: boolean): void {
  const all = useApi(enabled ? JSON.stringify(['service-colors', range]) : null, (signal) => {
    const { from, to } = resolveRange(range);
    return apiGet(ServicesResponse, '/services', { from, to, selfTelemetry: 'show' }, signal);
  });
  if (all.status === 'ok') assignServiceColors(all.data.services);
}
