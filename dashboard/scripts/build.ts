import { readdirSync, statSync } from 'node:fs';
import { execFile } from 'node:child_process';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import { fileURLToPath, pathToFileURL } from 'node:url';

const run = promisify(execFile);
const DASHBOARD = fileURLToPath(new URL('..', import.meta.url));
const INPUTS = [
  join(DASHBOARD, 'src'),
  join(DASHBOARD, 'index.html'),
  join(DASHBOARD, 'vite.config.ts'),
  join(DASHBOARD, 'package.json'),
  // The app bundles the shared schemas and the search parser.
  join(DASHBOARD, '..', 'model', 'src'),
];
export const DIST_INDEX = join(DASHBOARD, 'dist', 'index.html');

function newestMtime(path: string): number {
  const st = statSync(path, { throwIfNoEntry: false });
  if (!st) return 0;
  if (!st.isDirectory()) return st.mtimeMs;
  let newest = st.mtimeMs;
  for (const entry of readdirSync(path, { recursive: true, withFileTypes: true })) {
    if (!entry.isFile() || /\.test\.tsx?$/.test(entry.name)) continue;
    newest = Math.max(newest, statSync(join(entry.parentPath, entry.name)).mtimeMs);
  }
  return newest;
}

/** True when dist/ is missing or older than any input of the build. */
export function dashboardIsStale(): boolean {
  const built = statSync(DIST_INDEX, { throwIfNoEntry: false })?.mtimeMs ?? 0;
  return INPUTS.some((p) => newestMtime(p) > built);
}

/**
 * Builds the dashboard with Vite unless the last build is up to date. In a child process: under a
 * test runner NODE_ENV is `test`, which would bundle React's development build.
 */
export async function buildDashboard(opts: { force?: boolean } = {}): Promise<'built' | 'fresh'> {
  if (!opts.force && !dashboardIsStale()) return 'fresh';
  const vite = join(
    dirname(createRequire(import.meta.url).resolve('vite/package.json')),
    'bin',
    'vite.js',
  );
  await run(process.execPath, [vite, 'build', '--logLevel', 'warn'], {
    cwd: DASHBOARD,
    env: { ...process.env, NODE_ENV: 'production' },
  });
  return 'built';
}

// `npm start` runs this first (deploy/src/sightline.ts): a no-op in ~50 ms when nothing changed.
if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  const started = Date.now();
  const result = await buildDashboard({ force: process.argv.includes('--force') });
  console.log(
    `dashboard: ${result === 'built' ? 'built' : 'up to date'} (${Date.now() - started} ms)`,
  );
}
