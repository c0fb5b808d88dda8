import { execFile } from 'node:child_process';
import { copyFileSync, existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { LogSearchResponse } from '@sightline/model/api/logs';
import type { MetricNamesResponse, MetricsQueryResponse } from '@sightline/model/api/metrics';
import type { Span, TraceResponse, TraceSearchResponse } from '@sightline/model/api/traces';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { startTestSightline } from '../../deploy/test/harness.ts';
import { getJson, spawnSdkProcess, type Exit, type SdkProcess } from './sdk-process.ts';

/**
 * The SDK the way a team gets it: `npm pack`, the tarball installed into projects outside the
 * repository next to the app's own dependencies only, and services started from there against a
 * Sightline all-in-one, read back through the query API.
 */

const SDK_DIR = fileURLToPath(new URL('../', import.meta.url));
const APPS = fileURLToPath(new URL('./packed-apps/', import.meta.url));
const require = createRequire(import.meta.url);
const TSC = require.resolve('typescript/bin/tsc');
// The versions this repository installs, so npm finds them in its cache.
const versionOf = (name: string): string =>
  (require(`${name}/package.json`) as { version: string }).version;

interface Ran {
  code: number;
  stdout: string;
  stderr: string;
}

/** npm and node without the npm_* settings of the `npm test` around us: they name this repo. */
function run(file: string, args: string[], cwd: string): Promise<Ran> {
  const env = Object.fromEntries(
    Object.entries(process.env).filter(([key]) => !/^npm_/i.test(key) && key !== 'INIT_CWD'),
  );
  return new Promise((resolve) => {
    execFile(file, args, { cwd, env, maxBuffer: 32 << 20 }, (error, stdout, stderr) => {
      const code = error === null ? 0 : typeof error.code === 'number' ? error.code : 1;
      resolve({ code, stdout, stderr });
    });
  });
}

async function mustRun(file: string, args: string[], cwd: string): Promise<string> {
  const ran = await run(file, args, cwd);
  if (ran.code !== 0) throw new Error(`${file} ${args.join(' ')} failed:\n${ran.stderr}`);
  return ran.stdout;
}

const work = mkdtempSync(join(tmpdir(), 'sightline-sdk-packed-'));
let tarball = '';
let packedFiles: string[] = [];

/** A project of its own under the temporary folder, with the tarball and `deps` installed. */
async function project(name: string, deps: string[]): Promise<string> {
  const dir = join(work, name);
  mkdirSync(dir);
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name, private: true }));
  const flags = ['--prefer-offline', '--no-audit', '--no-fund', '--loglevel=error'];
  await mustRun('npm', ['install', ...flags, tarball, ...deps], dir);
  return dir;
}

let expressProject = '';
let fastifyProject = '';
let sightline: RunningSightline;

beforeAll(async () => {
  const packed = JSON.parse(
    await mustRun('npm', ['pack', '--json', '--pack-destination', work], SDK_DIR),
  ) as { filename: string; files: { path: string }[] }[];
  tarball = join(work, packed[0]?.filename ?? '');
  packedFiles = (packed[0]?.files ?? []).map((f) => f.path);
  [expressProject, fastifyProject, sightline] = await Promise.all([
    project('express-service', [
      `express@${versionOf('express')}`,
      `@types/express@${versionOf('@types/express')}`,
      `@types/node@${versionOf('@types/node')}`,
    ]),
    // @fastify/otel is an optional peer of the SDK: a fastify service installs it itself.
    project('fastify-service', [
      `fastify@${versionOf('fastify')}`,
      `@fastify/otel@${versionOf('@fastify/otel')}`,
    ]),
    startTestSightline(),
  ]);
}, 300_000);

afterAll(async () => {
  await sightline?.close();
  rmSync(work, { recursive: true, force: true });
});

describe('the packed tarball', () => {
  it('holds compiled JavaScript for both module systems, declarations and maps, and nothing else', () => {
    for (const entry of ['index', 'register']) {
      for (const dir of ['dist/esm', 'dist/cjs']) {
        for (const ext of ['.js', '.js.map', '.d.ts']) {
          expect(packedFiles).toContain(`${dir}/${entry}${ext}`);
        }
      }
    }
    const outside = packedFiles.filter(
      (f) => !f.startsWith('dist/') && !['package.json', 'README.md', 'LICENSE'].includes(f),
    );
    expect(outside).toEqual([]);
    expect(
      packedFiles.filter((f) => /\.(ts|tsx|mts|cts)$/.test(f) && !f.endsWith('.d.ts')),
    ).toEqual([]);
    expect(packedFiles.filter((f) => /(\.test\.|\/test\/|bench|fixture)/.test(f))).toEqual([]);
  });

  it('is a public package for Node >= 20.19 with only its public entry points exported', () => {
    const manifest = require(
      join(expressProject, 'node_modules/@sightline/sdk/package.json'),
    ) as Record<string, unknown>;
    expect(manifest.private).toBeUndefined();
    expect(manifest.engines).toEqual({ node: '>=20.19.0' });
    expect(Object.keys(manifest.exports as object)).toEqual(['.', './register', './package.json']);
    expect(JSON.stringify(manifest)).not.toContain('tsx');
    expect(Object.keys(manifest.peerDependencies as object)).toEqual([
      '@opentelemetry/api',
      '@fastify/otel',
    ]);
    expect(manifest.peerDependenciesMeta).toEqual({ '@fastify/otel': { optional: true } });
    // One copy of the API, shared with anything else in the app that uses it.
    expect(existsSync(join(expressProject, 'node_modules/@opentelemetry/api'))).toBe(true);
  });

  it('refuses deep imports, from CommonJS and from ES modules', async () => {
    const cjs = await run(
      process.execPath,
      ['-e', "require('@sightline/sdk/init')"],
      expressProject,
    );
    expect(cjs.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
    const esm = await run(
      process.execPath,
      ['--input-type=module', '-e', "await import('@sightline/sdk/src/index.ts')"],
      expressProject,
    );
    expect(esm.stderr).toContain('ERR_PACKAGE_PATH_NOT_EXPORTED');
  });

  it.each([
    ['node16 (CommonJS)', 'commonjs', { module: 'node16', moduleResolution: 'node16' }],
    ['nodenext (ES module)', 'module', { module: 'nodenext', moduleResolution: 'nodenext' }],
    ['bundler', 'module', { module: 'esnext', moduleResolution: 'bundler' }],
  ])(
    'type-checks a TypeScript app under %s resolution, with no fastify installed',
    async (_name, type, resolution) => {
      expect(existsSync(join(expressProject, 'node_modules/fastify'))).toBe(false);
      expect(existsSync(join(expressProject, 'node_modules/@fastify/otel'))).toBe(false);
      const dir = join(expressProject, `ts-${resolution.moduleResolution}`);
      mkdirSync(dir, { recursive: true });
      writeFileSync(join(dir, 'package.json'), JSON.stringify({ type }));
      const compilerOptions = {
        ...resolution,
        target: 'es2022',
        strict: true,
        skipLibCheck: false,
        noEmit: true,
        types: ['node'],
      };
      writeFileSync(join(dir, 'tsconfig.json'), JSON.stringify({ compilerOptions }));
      copyFileSync(join(APPS, 'consumer.ts'), join(dir, 'consumer.ts'));
      const checked = await run(process.execPath, [TSC, '-p', dir], dir);
      expect(checked.stdout + checked.stderr).toBe('');
      expect(checked.code).toBe(0);
    },
    60_000,
  );
});

interface AppRun {
  service: string;
  exit: Exit;
  stderr: string;
  /** The request sent with x-correlation-id, and the one sent without. */
  withId: { header: string | null; body: { correlationId: string | null } };
  withoutId: { header: string | null; body: { correlationId: string | null } };
}

const KINDS = [
  // A CommonJS Express service, written in TypeScript and compiled by tsc where neither fastify
  // nor @fastify/otel is installed: it must type-check and run.
  { kind: 'express-require', file: 'express-app.js', flags: ['--require'], scope: 'express' },
  { kind: 'fastify-import', file: 'fastify-app.mjs', flags: ['--import'], scope: 'fastify' },
  // The same fastify app, imported by an entry module that calls init() first.
  { kind: 'fastify-init', file: 'init-app.mjs', flags: [], scope: 'fastify' },
] as const;
const runs = new Map<string, AppRun>();
const correlationIdOf = (kind: string): string => `packed-${kind}-7`;

async function request(port: number, headers: Record<string, string>) {
  const res = await fetch(`http://127.0.0.1:${port}/work`, { headers });
  return {
    header: res.headers.get('x-correlation-id'),
    body: (await res.json()) as { correlationId: string | null },
  };
}

/** tsc (node16, CommonJS, every declaration checked) turns express-app.ts into express-app.js. */
async function compileExpressApp(dir: string): Promise<void> {
  copyFileSync(join(APPS, 'express-app.ts'), join(dir, 'express-app.ts'));
  const compilerOptions = {
    module: 'node16',
    moduleResolution: 'node16',
    target: 'es2022',
    strict: true,
    esModuleInterop: true,
    skipLibCheck: false,
    types: ['node'],
  };
  const config = join(dir, 'tsconfig.express-app.json');
  writeFileSync(config, JSON.stringify({ compilerOptions, files: ['express-app.ts'] }));
  const compiled = await run(process.execPath, [TSC, '-p', config], dir);
  expect(compiled.stdout + compiled.stderr).toBe('');
  expect(existsSync(join(dir, 'express-app.js'))).toBe(true);
}

async function runApp({ kind, file, flags }: (typeof KINDS)[number]): Promise<void> {
  const dir = kind.startsWith('express') ? expressProject : fastifyProject;
  if (kind === 'express-require') {
    await compileExpressApp(dir);
  } else {
    for (const name of new Set([file, 'fastify-app.mjs']))
      copyFileSync(join(APPS, name), join(dir, name));
  }
  const service = `packed-${kind}`;
  const nodeArgs = flags.length === 0 ? [] : [flags[0], '@sightline/sdk/register'];
  const app: SdkProcess = await spawnSdkProcess(service, file, {
    preload: flags.length > 0,
    nodeArgs,
    cwd: dir,
    captureStderr: true,
    env: {
      OTEL_EXPORTER_OTLP_ENDPOINT: sightline.otlpUrl,
      OTEL_BSP_SCHEDULE_DELAY: '200',
      OTEL_BLRP_SCHEDULE_DELAY: '200',
    },
  });
  try {
    const withId = await request(app.port, { 'x-correlation-id': correlationIdOf(kind) });
    const withoutId = await request(app.port, {});
    // The SDK flushes on SIGTERM, and the all-in-one answers an export once it is stored.
    app.child.kill('SIGTERM');
    const exit = await app.exit;
    runs.set(kind, { service, exit, stderr: app.stderr.join(''), withId, withoutId });
  } finally {
    app.kill();
  }
}

describe.each(KINDS)('a $kind service using the installed package', (app) => {
  let run: AppRun;
  let traces: TraceResponse[] = [];
  const api = (path: string): string => `${sightline.apiUrl}/api/v1${path}`;
  const serverSpan = (trace: TraceResponse): Span | undefined =>
    trace.spans.find((s) => s.kind === 'Server' && s.serviceName === run.service);

  beforeAll(async () => {
    await runApp(app);
    run = runs.get(app.kind) as AppRun;
    const found = await getJson<TraceSearchResponse>(api(`/traces?service=${run.service}`));
    traces = await Promise.all(
      found.traces.map((t) => getJson<TraceResponse>(api(`/traces/${t.traceId}`))),
    );
  }, 120_000);

  it('answers with the caller’s correlation id, or the trace id, and exits cleanly', () => {
    expect(run.exit.signal ?? run.exit.code).toBe('SIGTERM');
    // No warning: e.g. a `--require` preload run again in Node's module-hooks thread warns that
    // the ESM hook is registered twice (and would start a second SDK there).
    expect(run.stderr).toBe('');
    expect(run.withId.header).toBe(correlationIdOf(app.kind));
    expect(run.withId.body.correlationId).toBe(correlationIdOf(app.kind));
    expect(run.withoutId.header).toMatch(/^[0-9a-f]{32}$/);
    expect(run.withoutId.body.correlationId).toBe(run.withoutId.header);
  });

  it('stores one trace per request, with the framework’s own spans and the correlation id', () => {
    expect(traces).toHaveLength(2);
    const byHeader = new Map(traces.map((t) => [t.traceId, t]));
    const plain = byHeader.get(run.withoutId.header ?? '');
    expect(plain, 'the trace whose id the uncorrelated request got').toBeDefined();
    const correlated = traces.find((t) => t !== plain) as TraceResponse;
    expect(serverSpan(correlated)?.attributes['sightline.correlation_id']).toBe(
      correlationIdOf(app.kind),
    );
    for (const trace of traces) {
      expect(serverSpan(trace)?.attributes['url.path']).toBe('/work');
      expect(trace.spans.map((s) => s.scopeName).join(' ')).toContain(app.scope);
    }
  });

  it('stores both log lines in their traces, with the correlation id and the app’s resource', async () => {
    const logs = await getJson<LogSearchResponse>(
      api(`/logs?q=${encodeURIComponent(`service:${run.service}`)}`),
    );
    const handled = logs.rows.filter((row) => row.body === 'handled');
    expect(handled).toHaveLength(2);
    expect(new Set(handled.map((row) => row.traceId))).toEqual(
      new Set(traces.map((t) => t.traceId)),
    );
    const byCorrelation = await getJson<LogSearchResponse>(
      api(`/logs?q=${encodeURIComponent(`correlation_id:"${correlationIdOf(app.kind)}"`)}`),
    );
    expect(byCorrelation.rows.map((row) => row.traceId)).toEqual([
      traces.find((t) => t.traceId !== run.withoutId.header)?.traceId,
    ]);
    // Logs are shipped from a worker thread; they must still describe the app's process.
    const span = serverSpan(traces[0] as TraceResponse) as Span;
    expect(span.resourceAttributes['process.command']).toMatch(new RegExp(`${app.file}$`));
    for (const row of handled) {
      expect(row.resourceAttributes['process.command']).toBe(
        span.resourceAttributes['process.command'],
      );
      expect(row.resourceAttributes['process.pid']).toBe(span.resourceAttributes['process.pid']);
    }
  });

  it('stores its metrics: the app’s counter and the HTTP server duration', async () => {
    const names = await getJson<MetricNamesResponse>(api(`/metrics/names?service=${run.service}`));
    expect(names.metrics.map((m) => m.name)).toEqual(
      expect.arrayContaining(['app.requests', 'http.server.request.duration']),
    );
    const res = await fetch(api('/metrics/query'), {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        queries: [
          // The counter's value and the histogram's count, as PromQL's last_over_time reads them:
          // an increase needs two exports, and a short-lived app may make only one.
          { metric: 'app.requests', service: run.service, aggregation: 'last_over_time' },
          {
            metric: 'http.server.request.duration',
            service: run.service,
            aggregation: 'last_over_time',
          },
        ],
      }),
    });
    expect(res.status, await res.clone().text()).toBe(200);
    const { results } = (await res.json()) as MetricsQueryResponse;
    const latest = (i: number): number =>
      Math.max(
        0,
        ...(results[i]?.series ?? []).flatMap((series) =>
          series.points.map((p) => (typeof p[1] === 'number' ? p[1] : 0)),
        ),
      );
    expect([latest(0), latest(1)]).toEqual([2, 2]);
  });
});
