// `npm run build`: src/*.ts → dist/esm (tsc: JavaScript, declarations, source maps), then
// dist/esm → dist/cjs (esbuild, one file per module, no bundling, so both builds keep the same
// module graph). Plain JavaScript so that building needs neither tsx nor a build of its own.
// It builds into a staging folder and then moves each file into dist/ with a rename, so processes
// that load the SDK from dist/ while it is rebuilt (tests running beside `npm pack`) never find a
// missing or half-written file.
import { execFileSync } from 'node:child_process';
import {
  copyFileSync,
  existsSync,
  mkdirSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  writeFileSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { build } from 'esbuild';

const root = dirname(dirname(fileURLToPath(import.meta.url)));
const dist = join(root, 'dist');
const staging = join(root, `.dist-staging-${process.pid}`);
const esm = join(staging, 'esm');
const cjs = join(staging, 'cjs');
const require = createRequire(import.meta.url);

rmSync(staging, { recursive: true, force: true });
execFileSync(
  process.execPath,
  [require.resolve('typescript/bin/tsc'), '-p', join(root, 'tsconfig.build.json'), '--outDir', esm],
  { stdio: 'inherit' },
);

const modules = readdirSync(esm).filter((f) => f.endsWith('.js'));
// CommonJS has no import.meta: the few modules that locate files next to themselves (the log
// worker, the ESM hook) get their own URL from __filename instead.
await build({
  entryPoints: modules.map((f) => join(esm, f)),
  outdir: cjs,
  format: 'cjs',
  platform: 'node',
  target: 'node20',
  bundle: false,
  sourcemap: true,
  sourcesContent: true,
  logLevel: 'warning',
  define: { 'import.meta.url': '__sightline_module_url' },
  banner: {
    js: "'use strict';\nconst __sightline_module_url = require('node:url').pathToFileURL(__filename).href;",
  },
});
// tsc keeps the sources' `.ts` specifiers in declarations; consumers resolve `.js`. The same
// declarations describe both builds: beside the CommonJS files they are read as CommonJS.
for (const f of readdirSync(esm).filter((name) => name.endsWith('.d.ts'))) {
  const text = readFileSync(join(esm, f), 'utf8').replace(/(from '\.\/[\w-]+)\.ts'/g, "$1.js'");
  writeFileSync(join(esm, f), text);
  writeFileSync(join(cjs, f), text);
}
writeFileSync(join(cjs, 'package.json'), '{ "type": "commonjs" }\n');

for (const dir of ['esm', 'cjs']) {
  const built = new Set(readdirSync(join(staging, dir)));
  mkdirSync(join(dist, dir), { recursive: true });
  for (const f of built) renameSync(join(staging, dir, f), join(dist, dir, f));
  // What an earlier build left that this one no longer makes (a module deleted from src/).
  for (const f of readdirSync(join(dist, dir))) {
    if (!built.has(f)) rmSync(join(dist, dir, f), { recursive: true, force: true });
  }
}
rmSync(staging, { recursive: true, force: true });

// npm ships the LICENSE of the package folder; the repository keeps one copy at its root.
const license = join(root, '..', 'LICENSE');
if (existsSync(license)) copyFileSync(license, join(root, 'LICENSE'));
