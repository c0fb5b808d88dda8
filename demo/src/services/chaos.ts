/**
 * Fault injection in the spirit of Netflix's Chaos Monkey and Latency Monkey: random delays and
 * random failures, scaled by SIGHTLINE_DEMO_CHAOS (0 = none, 1 = the default mix, 2 = twice as
 * often). Each injected fault is marked on the active span (`chaos.fault`) so it can be found.
 */
import { existsSync } from 'node:fs';
import { setTimeout as sleep } from 'node:timers/promises';
import { trace } from '@opentelemetry/api';
import { HttpError } from './kit.ts';

const level = Math.max(0, Number(process.env.SIGHTLINE_DEMO_CHAOS ?? '1') || 0);

const strikes = (probability: number): boolean => Math.random() < probability * level;

/** With the given probability, waits up to `maxMs` (at least a quarter of it). */
export async function latencyMonkey(probability: number, maxMs: number): Promise<void> {
  if (!strikes(probability)) return;
  const ms = Math.round(maxMs * (0.25 + 0.75 * Math.random()));
  trace.getActiveSpan()?.setAttributes({ 'chaos.fault': 'latency', 'chaos.latency_ms': ms });
  await sleep(ms);
}

/** With the given probability, throws an HttpError with `status` and `message`. */
export function errorMonkey(probability: number, status: number, message: string): void {
  if (!strikes(probability)) return;
  trace.getActiveSpan()?.setAttribute('chaos.fault', 'error');
  throw new HttpError(status, message);
}

/**
 * The request count after which this process should die: around SIGHTLINE_DEMO_CRASH_EVERY
 * (default 200; 0 = never), randomised by ±50 %.
 */
export function crashThreshold(): number {
  const every = Number(process.env.SIGHTLINE_DEMO_CRASH_EVERY ?? '200');
  if (!(every > 0) || level === 0) return Infinity;
  return Math.round(every * (0.5 + Math.random()));
}

/**
 * Whether the card processor is in an outage now: with chaos on, the last
 * SIGHTLINE_DEMO_OUTAGE_FOR seconds (default 30) of every SIGHTLINE_DEMO_OUTAGE_EVERY seconds
 * (default 180; 0 = never) of this process's life. Long enough for checkout's circuit breaker to
 * open, be tried half-open and close again once it is over.
 */
export function inOutage(nowS = process.uptime()): boolean {
  if (outageSwitchedOn()) return true;
  const every = Number(process.env.SIGHTLINE_DEMO_OUTAGE_EVERY ?? '180');
  const length = Number(process.env.SIGHTLINE_DEMO_OUTAGE_FOR ?? '30');
  if (!(every > 0) || !(length > 0) || level === 0) return false;
  return nowS % every >= every - Math.min(length, every);
}

/**
 * The outage by hand, for tests and talks: while the file SIGHTLINE_DEMO_OUTAGE_FILE names exists,
 * the card processor is down, whatever the chaos level and the schedule.
 */
export function outageSwitchedOn(): boolean {
  const file = process.env.SIGHTLINE_DEMO_OUTAGE_FILE;
  return file !== undefined && file !== '' && existsSync(file);
}
