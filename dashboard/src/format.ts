/** Display helpers. Units are in the names: `Ms` milliseconds, `Ns` nanoseconds. */

export function formatMs(ms: number | null | undefined): string {
  if (ms === null || ms === undefined || !Number.isFinite(ms)) return '—';
  if (ms === 0) return '0 ms';
  if (ms < 1) return `${Math.round(ms * 1000)} µs`;
  if (ms < 1000) return `${ms < 10 ? ms.toFixed(2) : ms < 100 ? ms.toFixed(1) : Math.round(ms)} ms`;
  if (ms < 60_000) return `${(ms / 1000).toFixed(2)} s`;
  return `${(ms / 60_000).toFixed(1)} min`;
}

export const nsToMs = (ns: string | bigint): number => Number(BigInt(ns)) / 1e6;

/** Epoch ms of a nanosecond timestamp string. */
export const nsToEpochMs = (ns: string): number => Number(BigInt(ns) / 1_000_000n);

/** Requests per second, shown per minute or per hour when that reads better. */
export function formatRate(perSecond: number | null | undefined): string {
  if (perSecond === null || perSecond === undefined) return '—';
  if (perSecond === 0) return '0/s';
  const short = (v: number) =>
    v < 10 ? v.toPrecision(2).replace(/\.?0+$/, '') : String(Math.round(v));
  if (perSecond >= 0.1) return `${short(perSecond)}/s`;
  if (perSecond * 60 >= 0.1) return `${short(perSecond * 60)}/min`;
  return `${short(perSecond * 3600)}/h`;
}

export function formatPercent(share: number | null | undefined): string {
  if (share === null || share === undefined) return '—';
  if (share === 0) return '0%';
  return `${(share * 100).toFixed(share < 0.01 ? 2 : 1)}%`;
}

// Times are written by the one shared helper, which follows the local/UTC switch.
export { formatTick, formatTime } from './components/time-format.ts';

export const PALETTE = [
  '#4e79a7',
  '#f28e2b',
  '#59a14f',
  '#b07aa1',
  '#76b7b2',
  '#edc948',
  '#ff9da7',
  '#9c755f',
  '#6b8fd6',
  '#d37295',
  '#8cd17d',
  '#a0cbe8',
];

/** The i-th colour of the palette, for series that need distinct colours side by side. */
export const paletteColor = (i: number): string => PALETTE[i % PALETTE.length] ?? '#888';

export const LEVEL_COLORS = {
  trace: '#9aa5b1',
  debug: '#76b7b2',
  info: '#4e79a7',
  warn: '#edc948',
  error: '#e15759',
  fatal: '#8b1a1a',
  unknown: '#b0b0b0',
} as const;

/** A search-language value, quoted when it needs to be. */
export function quoteValue(v: string): string {
  return /^[\w.\-/]+$/.test(v) ? v : `"${v.replace(/["\\]/g, (c) => `\\${c}`)}"`;
}
