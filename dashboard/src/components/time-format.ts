import { useSyncExternalStore } from 'react';

/**
 * The one way the dashboard writes a time: 24-hour ISO (`2026-12-08 14:05:09.120`), in the
 * browser's zone or in UTC as the reader chose. The choice is shared by every page and kept in
 * localStorage.
 */
export type TimeZoneChoice = 'local' | 'utc';

const KEY = 'sightline.timeZone';
const MINUTE = 60_000;

function saved(): TimeZoneChoice {
  try {
    return globalThis.localStorage?.getItem(KEY) === 'utc' ? 'utc' : 'local';
  } catch {
    return 'local'; // storage refused (private mode, sandboxed frame)
  }
}

let zone: TimeZoneChoice = saved();
const listeners = new Set<() => void>();

export const timeZone = (): TimeZoneChoice => zone;

export function setTimeZone(next: TimeZoneChoice): void {
  if (next === zone) return;
  zone = next;
  try {
    globalThis.localStorage?.setItem(KEY, next);
  } catch {
    // still switched for this visit
  }
  for (const l of listeners) l();
}

/** The current choice; a component that shows times re-renders when it changes. */
export function useTimeZone(): TimeZoneChoice {
  return useSyncExternalStore(
    (l) => {
      listeners.add(l);
      return () => listeners.delete(l);
    },
    timeZone,
    timeZone,
  );
}

/** Milliseconds to add to an epoch time to get the wall clock of the chosen zone, as if UTC. */
export const zoneOffsetMs = (epochMs: number, z: TimeZoneChoice = zone): number =>
  z === 'utc' ? 0 : -new Date(epochMs).getTimezoneOffset() * MINUTE;

const two = (n: number) => String(n).padStart(2, '0');

interface Parts {
  readonly date: string;
  readonly hm: string;
  readonly hms: string;
  readonly ms: string;
}

function parts(epochMs: number, z: TimeZoneChoice): Parts {
  const d = new Date(epochMs + zoneOffsetMs(epochMs, z));
  const date = `${d.getUTCFullYear()}-${two(d.getUTCMonth() + 1)}-${two(d.getUTCDate())}`;
  const hm = `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}`;
  return {
    date,
    hm,
    hms: `${hm}:${two(d.getUTCSeconds())}`,
    ms: String(d.getUTCMilliseconds()).padStart(3, '0'),
  };
}

/** `14:05:09.120`, or `2026-12-08 14:05:09.120` with the date; `—` for a missing time. */
export function formatTime(epochMs: number, withDate = false, z: TimeZoneChoice = zone): string {
  if (!Number.isFinite(epochMs)) return '—';
  const p = parts(epochMs, z);
  return `${withDate ? `${p.date} ` : ''}${p.hms}.${p.ms}`;
}

/** `2026-12-08 14:05`: a time to the minute (range bounds, saved dates). */
export function formatMinute(epochMs: number, z: TimeZoneChoice = zone): string {
  if (!Number.isFinite(epochMs)) return '—';
  const p = parts(epochMs, z);
  return `${p.date} ${p.hm}`;
}

/** Short axis label for a tick in a range of `spanMs`: `12-08 14:00`, `14:05` or `14:05:10`. */
export function formatTick(epochMs: number, spanMs: number, z: TimeZoneChoice = zone): string {
  const p = parts(epochMs, z);
  if (spanMs > 2 * 86_400_000) return `${p.date.slice(5)} ${p.hm}`;
  return spanMs <= 30 * MINUTE ? p.hms : p.hm;
}

/** The zone's name as shown beside times: `UTC`, or the browser's (`UTC+01:00` when unnamed). */
export function zoneLabel(z: TimeZoneChoice = zone, at = Date.now()): string {
  if (z === 'utc') return 'UTC';
  const off = zoneOffsetMs(at, 'local') / MINUTE;
  const sign = off < 0 ? '-' : '+';
  return `local (UTC${sign}${two(Math.floor(Math.abs(off) / 60))}:${two(Math.abs(off) % 60)})`;
}
