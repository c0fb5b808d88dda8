import { randomBytes } from 'node:crypto';
import {
  chmodSync,
  chownSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from 'node:fs';
import { createServer } from 'node:http';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { dirname, join, posix } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { TraceResponse } from '@sightline/model/api/traces';
import {
  globalArgs,
  parseStages,
  rehearseStage,
  replayInCheckout,
  type StageResult,
} from './image-rehearsal.ts';
import {
  freePort,
  runEntrypoint,
  runHealthcheck,
  waitHealthy,
  type Container,
  type RunAs,
} from './image-rehearsal-run.ts';
import { selfSignedCert } from './test-cert.ts';

// The server image's runtime stage, carried out without Docker (none on this machine): its COPY
// lines fill a temporary root from the repository, its `npm ci --omit=dev` installs the production
// tree for real (out of reach of the checkout's node_modules), and its ENTRYPOINT runs as an
// unprivileged user with the image's ENV, checked by its own HEALTHCHECK command. What this cannot
// prove: the base image's contents (the host's Node stands in for it) and Docker itself.

const REPO = join(import.meta.dirname, '../..');
const DOCKERFILE = readFileSync(join(REPO, 'deploy/docker/Dockerfile'), 'utf8');
const stages = parseStages(DOCKERFILE);
const ROOT_USER = process.getuid?.() === 0;
// The image's `node` user does not exist here; as root the test hands its part to nobody.
const owner = ROOT_USER
  ? { uid: 65534, gid: 65534 }
  : { uid: process.getuid!(), gid: process.getgid!() };
// The node image's PATH, with the host's Node in place of the image's.
const PATH = [dirname(process.execPath), '/usr/local/bin', '/usr/bin', '/bin'].join(':');
const PASSWORD = randomBytes(12).toString('hex');
const SPAN = { traceId: randomBytes(16).toString('hex'), spanId: randomBytes(8).toString('hex') };

let root: string;
let image: StageResult;
let as: RunAs;
let container: Container | undefined;
let api: string;
let otlp: string;
let key: string;

const host = (imagePath: string) => join(root, posix.resolve(image.workdir, imagePath));
const dataDir = () => as.env.SIGHTLINE_DATA_DIR!;
/** pino lines at error (50) or worse. */
const errorsIn = (output: string) =>
  output.split('\n').filter((l) => /^\{"level":(5\d|60)\b/.test(l));

beforeAll(async () => {
  root = mkdtempSync(join(tmpdir(), 'sl-image-'));
  // mkdtemp makes the folder private to root; the image's `/` is readable by everyone.
  chmodSync(root, 0o755);
  const network = Object.fromEntries(
    Object.entries(process.env).filter(
      (e): e is [string, string] =>
        /^(https?_proxy|no_proxy|NODE_EXTRA_CA_CERTS)$/i.test(e[0]) && e[1] !== undefined,
    ),
  );
  // Built from scratch: under `npm test` the environment carries npm_config_* of the checkout.
  const runEnv = { PATH, HOME: process.env.HOME ?? '/root', ...network };
  const replayed = new Map<string, (imagePath: string) => string>();
  const started = Date.now();
  image = await rehearseStage({
    stage: stages.at(-1)!,
    context: REPO,
    root,
    owner,
    runEnv,
    fromStage: async (name, path) => {
      let resolve = replayed.get(name);
      if (!resolve) {
        const stage = stages.find((s) => s.name === name);
        if (!stage) throw new Error(`COPY --from=${name}: no such stage`);
        resolve = await replayInCheckout(stage, REPO, runEnv);
        replayed.set(name, resolve);
      }
      return resolve(path);
    },
  });
  console.log(
    `image rehearsal: runtime stage laid out in ${Math.round((Date.now() - started) / 1000)} s\n  ` +
      image.steps.join('\n  '),
  );

  // Docker gives the container the HOME of its USER from the image's /etc/passwd.
  const home = host(`/home/${image.user}`);
  mkdirSync(home, { recursive: true });
  chownSync(home, owner.uid, owner.gid);
  const [otlpPort, apiPort] = [await freePort(), await freePort()];
  as = {
    cwd: host('.'),
    user: ROOT_USER ? owner : undefined,
    env: {
      PATH,
      HOME: home,
      ...image.env,
      SIGHTLINE_DATA_DIR: host(image.env.SIGHTLINE_DATA_DIR!),
      SIGHTLINE_OTLP_PORT: String(otlpPort),
      SIGHTLINE_API_PORT: String(apiPort),
      SIGHTLINE_GRPC_PORT: '0',
      SIGHTLINE_SELF_TELEMETRY: 'off',
      SIGHTLINE_AUTH: 'on',
      SIGHTLINE_ADMIN_PASSWORD: PASSWORD,
    },
  };
  api = `http://127.0.0.1:${apiPort}`;
  otlp = `http://127.0.0.1:${otlpPort}`;
}, 900_000);

afterAll(async () => {
  await container?.kill();
  if (root) rmSync(root, { recursive: true, force: true });
}, 120_000);

async function startHealthy(): Promise<Container> {
  container = runEntrypoint(image, as);
  const healthyAfterMs = await waitHealthy(image, as, container);
  expect(healthyAfterMs, `not healthy; output:\n${container.output()}`).toBeDefined();
  console.log(
    `image rehearsal: healthy ${healthyAfterMs} ms after start (start period ${image.healthcheck!.startPeriodMs} ms)`,
  );
  return container;
}

describe('the server image, rehearsed without Docker', () => {
  it('is laid out by the runtime stage: production dependencies only, sources, built dashboard', () => {
    // The host's Node stands in for the base image's, so it must be the same major version.
    const base = /^node:(\d+)/.exec(globalArgs(DOCKERFILE).NODE_IMAGE ?? '')?.[1];
    expect(process.versions.node.split('.')[0]).toBe(base);
    // Nothing above the image's root may hold a node_modules the server could fall back on.
    for (let dir = root; dir !== dirname(dir); dir = dirname(dir)) {
      expect(existsSync(join(dirname(dir), 'node_modules')), dirname(dir)).toBe(false);
    }
    const lock = JSON.parse(readFileSync(host('package-lock.json'), 'utf8')) as {
      packages: Record<string, { dev?: boolean; optional?: boolean }>;
    };
    const entries = Object.entries(lock.packages).filter(([p]) => p.startsWith('node_modules/'));
    const devOnly = entries.filter(([, e]) => e.dev).map(([p]) => p);
    const needed = entries.filter(([, e]) => !e.dev && !e.optional).map(([p]) => p);
    expect(devOnly.length).toBeGreaterThan(0);
    expect(devOnly.filter((p) => existsSync(host(p)))).toEqual([]);
    expect(needed.filter((p) => !existsSync(host(p)))).toEqual([]);

    expect(image.entrypoint.length).toBeGreaterThan(0);
    for (const arg of [...image.entrypoint, ...image.healthcheck!.command]) {
      if (/\.(ts|mjs|js)$/.test(arg)) expect(existsSync(host(arg)), arg).toBe(true);
    }
    const index = readFileSync(host('dashboard/dist/index.html'), 'utf8');
    expect(index).toMatch(/<script type="module"[^>]* src="\/assets\/[^"]+\.js"/);
    // The data folder is the declared volume, handed to the unprivileged user as the RUN line does.
    expect(image.volumes).toContain(image.env.SIGHTLINE_DATA_DIR);
    expect(image.chownedTo).toContain(image.user);
    expect(statSync(dataDir()).uid).toBe(owner.uid);
    expect(image.user).not.toMatch(/^(root|0)(:|$)/);
    // The ports the image's ENV opens are the ones it declares.
    for (const port of [image.env.SIGHTLINE_OTLP_PORT, image.env.SIGHTLINE_API_PORT]) {
      expect(image.exposed).toContain(Number(port));
    }
  });

  it('reports unhealthy while nothing listens, or only some of its listeners', async () => {
    expect(await runHealthcheck(image, as)).not.toBe(0);
    // An all-in-one process opens the OTLP port first: that alone is not healthy yet.
    const otlpOnly = createServer((_req, res) => res.end('{"status":"ok"}'));
    await new Promise<void>((r) => otlpOnly.listen(Number(as.env.SIGHTLINE_OTLP_PORT), r));
    try {
      expect((await fetch(`${otlp}/health`)).status).toBe(200);
      expect(await runHealthcheck(image, as)).not.toBe(0);
    } finally {
      await new Promise((r) => otlpOnly.close(r));
    }
  });

  it('starts its ENTRYPOINT as an unprivileged user and turns healthy', async () => {
    const c = await startHealthy();
    // Healthy means every port the image exposes answers, not just the first one up.
    expect((await fetch(`${otlp}/health`)).status).toBe(200);
    expect((await fetch(`${api}/api/v1/health`)).status).toBe(200);
    const status = readFileSync(`/proc/${c.child.pid}/status`, 'utf8');
    expect(/^Uid:\s+(\d+)/m.exec(status)?.[1]).toBe(String(owner.uid));
  }, 300_000);

  it('accepts a trace with an ingest key and serves it back through the query API', async () => {
    const now = BigInt(Date.now()) * 1_000_000n;
    const body = JSON.stringify({
      resourceSpans: [
        {
          resource: {
            attributes: [{ key: 'service.name', value: { stringValue: 'image-rehearsal' } }],
          },
          scopeSpans: [
            {
              spans: [
                {
                  ...SPAN,
                  name: 'GET /rehearsal',
                  kind: 2,
                  startTimeUnixNano: String(now - 5_000_000n),
                  endTimeUnixNano: String(now),
                },
              ],
            },
          ],
        },
      ],
    });
    const post = (headers: Record<string, string>) =>
      fetch(`${otlp}/v1/traces`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...headers },
        body,
      });
    // Bound beyond loopback, the image requires a key.
    expect((await post({})).status).toBe(401);

    const signIn = await fetch(`${api}/api/v1/auth/sign-in`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ name: 'admin', password: PASSWORD }),
    });
    expect(signIn.status, await signIn.clone().text()).toBe(200);
    const { csrfToken } = (await signIn.json()) as { csrfToken: string };
    const cookie = signIn.headers
      .getSetCookie()
      .map((c) => c.split(';')[0])
      .join('; ');
    const created = await fetch(`${api}/api/v1/keys`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
      body: JSON.stringify({ name: 'image rehearsal', scopes: ['ingest', 'read'] }),
    });
    expect(created.status, await created.clone().text()).toBe(201);
    key = ((await created.json()) as { key: string }).key;
    const auth = { authorization: `Bearer ${key}` };

    const accepted = await post(auth);
    expect(accepted.status, await accepted.clone().text()).toBe(200);
    // Acknowledged once stored (all-in-one), so the trace is there at once.
    const read = await fetch(`${api}/api/v1/traces/${SPAN.traceId}`, { headers: auth });
    expect(read.status, await read.clone().text()).toBe(200);
    const trace = (await read.json()) as TraceResponse;
    expect(trace.spans.map((s) => [s.spanId, s.name, s.serviceName])).toEqual([
      [SPAN.spanId, 'GET /rehearsal', 'image-rehearsal'],
    ]);
    // chDB wrote its files into the volume, as the unprivileged user.
    expect(readdirSync(dataDir()).length).toBeGreaterThan(0);
    for (const entry of readdirSync(dataDir())) {
      expect(statSync(join(dataDir(), entry)).uid).toBe(owner.uid);
    }
  }, 120_000);

  it('serves the built dashboard and its assets', async () => {
    const page = await fetch(`${api}/`);
    expect(page.status).toBe(200);
    expect(page.headers.get('content-type')).toMatch(/^text\/html/);
    const html = await page.text();
    expect(html).toBe(readFileSync(host('dashboard/dist/index.html'), 'utf8'));
    const script = /<script type="module"[^>]* src="(\/assets\/[^"]+\.js)"/.exec(html)?.[1];
    expect(script).toBeDefined();
    const asset = await fetch(`${api}${script}`);
    expect(asset.status).toBe(200);
    expect(asset.headers.get('content-type')).toMatch(/^text\/javascript/);
    expect((await asset.text()).length).toBeGreaterThan(10_000);
  }, 60_000);

  it('stops cleanly on SIGTERM (docker stop), then reports unhealthy', async () => {
    const c = container!;
    expect(await c.stop(), c.output()).toBe(0);
    expect(errorsIn(c.output())).toEqual([]);
    expect(await runHealthcheck(image, as)).not.toBe(0);
  }, 120_000);

  it('restarts on the same volume with TLS: healthy over https, the data still there', async () => {
    const tls = selfSignedCert(host('/run/secrets/sightline'), owner);
    as = { ...as, env: { ...as.env, SIGHTLINE_TLS_CERT: tls.cert, SIGHTLINE_TLS_KEY: tls.key } };
    const c = await startHealthy();
    const ca = readFileSync(tls.cert);
    const answer = await new Promise<{ status: number; body: string }>((resolve, reject) => {
      const url = `${api.replace('http:', 'https:')}/api/v1/traces/${SPAN.traceId}`;
      const req = request(url, { ca, headers: { authorization: `Bearer ${key}` } }, (res) => {
        let body = '';
        res.on('data', (d: Buffer) => (body += d.toString()));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
      });
      req.on('error', reject);
      req.end();
    });
    expect(answer.status, answer.body).toBe(200);
    expect((JSON.parse(answer.body) as TraceResponse).spans.map((s) => s.spanId)).toEqual([
      SPAN.spanId,
    ]);
    expect(await c.stop(), c.output()).toBe(0);
    expect(errorsIn(c.output())).toEqual([]);
    expect(await runHealthcheck(image, as)).not.toBe(0);
  }, 300_000);
});
