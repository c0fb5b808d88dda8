import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { gzipSync } from 'node:zlib';
import { describe, expect, it } from 'vitest';
import { buildDashboard } from '../scripts/build.ts';
import { bundleSize } from '../scripts/bundle-size.ts';

/** The dashboard issue's budget for the JS a first visit downloads. */
const INITIAL_JS_GZIP_BUDGET = 350 * 1024;

describe('bundle size', () => {
  it('counts the scripts and preloads index.html names as initial, the rest only in the total', () => {
    const dist = mkdtempSync(join(tmpdir(), 'sl-bundle-'));
    mkdirSync(join(dist, 'assets'));
    const files = { 'main.js': 'a'.repeat(5000), 'vendor.js': 'b'.repeat(3000), 'lazy.js': 'c' };
    for (const [name, text] of Object.entries(files))
      writeFileSync(join(dist, 'assets', name), text);
    writeFileSync(join(dist, 'assets', 'app.css'), 'body{}');
    writeFileSync(
      join(dist, 'index.html'),
      `<script type="module" crossorigin src="/assets/main.js"></script>
       <link rel="modulepreload" crossorigin href="/assets/vendor.js">
       <link rel="stylesheet" href="/assets/app.css">`,
    );
    const size = bundleSize(join(dist, 'index.html'));
    const gz = (s: string) => gzipSync(s, { level: 9 }).length;
    expect(size.initialFiles).toEqual(['assets/main.js', 'assets/vendor.js']);
    expect(size.initialJsBytes).toBe(8000);
    expect(size.initialJsGzipBytes).toBe(gz(files['main.js']) + gz(files['vendor.js']));
    expect(size.allJsGzipBytes).toBe(size.initialJsGzipBytes + gz('c'));
    expect(size.cssGzipBytes).toBe(gz('body{}'));
  });

  it('keeps the production build within the initial JS budget', async () => {
    await buildDashboard();
    const size = bundleSize();
    expect(size.initialJsGzipBytes).toBeGreaterThan(50 * 1024); // a real build was measured
    expect(size.initialJsGzipBytes).toBeLessThanOrEqual(INITIAL_JS_GZIP_BUDGET);
  }, 300_000);
});
