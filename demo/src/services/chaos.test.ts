import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { inOutage } from './chaos.ts';

afterEach(() => {
  delete process.env.SIGHTLINE_DEMO_OUTAGE_EVERY;
  delete process.env.SIGHTLINE_DEMO_OUTAGE_FOR;
  delete process.env.SIGHTLINE_DEMO_OUTAGE_FILE;
});

describe('payments outages', () => {
  it('are the last 30 s of every 180 s of uptime by default', () => {
    const at = [0, 149.9, 150, 179.9, 180, 329.9, 330];
    expect(at.map((s) => inOutage(s))).toEqual([false, false, true, true, false, false, true]);
  });

  it('follow the variables, and 0 turns them off', () => {
    process.env.SIGHTLINE_DEMO_OUTAGE_EVERY = '10';
    process.env.SIGHTLINE_DEMO_OUTAGE_FOR = '4';
    expect([5.9, 6, 9.9, 10].map((s) => inOutage(s))).toEqual([false, true, true, false]);
    process.env.SIGHTLINE_DEMO_OUTAGE_FOR = '0';
    expect(inOutage(9)).toBe(false);
    process.env.SIGHTLINE_DEMO_OUTAGE_EVERY = '0';
    process.env.SIGHTLINE_DEMO_OUTAGE_FOR = '4';
    expect(inOutage(9)).toBe(false);
  });

  it('are switched on and off by hand while the outage file exists, schedule or not', () => {
    const dir = mkdtempSync(join(tmpdir(), 'demo-outage-'));
    const file = join(dir, 'payments-down');
    process.env.SIGHTLINE_DEMO_OUTAGE_EVERY = '0';
    process.env.SIGHTLINE_DEMO_OUTAGE_FILE = file;
    try {
      expect(inOutage(9)).toBe(false);
      writeFileSync(file, '');
      expect(inOutage(9)).toBe(true);
      rmSync(file);
      expect(inOutage(9)).toBe(false);
      process.env.SIGHTLINE_DEMO_OUTAGE_FILE = '';
      expect(inOutage(9)).toBe(false);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
