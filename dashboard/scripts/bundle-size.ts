/**
 * What a browser downloads before the dashboard can draw: the scripts and module preloads that
 * dist/index.html names (the initial JS), then everything under dist/assets (lazy chunks too),
 * each raw and gzipped at level 9 as a server or CDN would send it.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { DIST_INDEX } from './build.ts';

export interface BundleSize {
  /** Files the page loads at once, relative to dist/. */
  readonly initialFiles: readonly string[];
  readonly initialJsBytes: number;
  readonly initialJsGzipBytes: number;
  readonly cssGzipBytes: number;
  readonly allJsGzipBytes: number;
}

const gzipped = (path: string): number => gzipSync(readFileSync(path), { level: 9 }).length;

export function bundleSize(indexHtml = DIST_INDEX): BundleSize {
  const dist = dirname(indexHtml);
  const html = readFileSync(indexHtml, 'utf8');
  const initialFiles = [
    ...html.matchAll(/<script[^>]*\bsrc="\/?([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]*rel="modulepreload"[^>]*href="\/?([^"]+\.js)"/g),
  ].map((m) => m[1] ?? '');
  if (initialFiles.length === 0) throw new Error(`${indexHtml} names no script`);
  const assets = readdirSync(join(dist, 'assets')).map((f) => join(dist, 'assets', f));
  const sum = (files: readonly string[], size: (f: string) => number) =>
    files.reduce((total, f) => total + size(f), 0);
  const initialPaths = initialFiles.map((f) => join(dist, f));
  return {
    initialFiles,
    initialJsBytes: sum(initialPaths, (f) => readFileSync(f).length),
    initialJsGzipBytes: sum(initialPaths, gzipped),
    cssGzipBytes: sum(
      assets.filter((f) => f.endsWith('.css')),
      gzipped,
    ),
    allJsGzipBytes: sum(
      assets.filter((f) => f.endsWith('.js')),
      gzipped,
    ),
  };
}
