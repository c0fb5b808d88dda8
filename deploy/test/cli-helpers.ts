import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

export const entry = join(import.meta.dirname, '../src/sightline.ts');
export const tsx = join(import.meta.dirname, '../../node_modules/.bin/tsx');
export const repo = join(import.meta.dirname, '../..');

/** Waits (up to a minute) until the start-up lines, which end with the API address, are out. */
export async function startUpLines(out: () => string): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (!/API\s+http:\/\/\S+/.test(out()) && Date.now() < deadline)
    await new Promise((r) => setTimeout(r, 100));
}

/** Processes whose command line mentions `text`. */
export function processesWith(text: string): string[] {
  const found: string[] = [];
  for (const pid of readdirSync('/proc').filter((d) => /^\d+$/.test(d))) {
    try {
      const cmd = readFileSync(`/proc/${pid}/cmdline`, 'utf8').replaceAll('\0', ' ');
      if (cmd.includes(text)) found.push(`${pid} ${cmd}`);
    } catch {
      // Gone while we looked.
    }
  }
  return found;
}
