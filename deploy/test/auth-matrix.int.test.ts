import { Client, Metadata, credentials, status as GrpcStatus } from '@grpc/grpc-js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { GRPC_SERVICES } from '@sightline/collector/receive/grpc-server';
import type { Scope } from '@sightline/model/api/auth';
import { AuthVerifier } from '@sightline/store/auth/verifier';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';

// Every route of both listeners × {no key, wrong key, revoked key, wrong scope, right scope}.
// Routes come from the listeners themselves (recorded as registered), so new ones are covered.

let s: RunningSightline;
const keys: Partial<Record<'ingest' | 'read' | 'admin' | 'all' | 'revoked', string>> = {};
const WRONG_KEY = `sl_deadbeef_${'A'.repeat(43)}`;

async function call(
  base: string,
  method: string,
  path: string,
  headers: Record<string, string> = {},
  body?: unknown,
): Promise<Response> {
  return fetch(`${base}${path}`, {
    method,
    headers: { ...(body === undefined ? {} : { 'content-type': 'application/json' }), ...headers },
    ...(body === undefined ? {} : { body: JSON.stringify(body) }),
  });
}

async function makeKey(scopes: Scope[], name: string, auth: string): Promise<string> {
  const res = await call(
    s.apiUrl,
    'POST',
    '/api/v1/keys',
    { authorization: `Bearer ${auth}` },
    { name, scopes },
  );
  expect(res.status).toBe(201);
  return ((await res.json()) as { key: string }).key;
}

beforeAll(async () => {
  s = await startTestSightline(
    testConfig({
      SIGHTLINE_AUTH: 'on',
      SIGHTLINE_ADMIN_PASSWORD: 'matrix-admin-password',
    }),
  );
  // The first admin key comes from a signed-in session, as it would for a new user.
  const signIn = await call(
    s.apiUrl,
    'POST',
    '/api/v1/auth/sign-in',
    {},
    {
      name: 'admin',
      password: 'matrix-admin-password',
    },
  );
  expect(signIn.status).toBe(200);
  const me = (await signIn.json()) as { csrfToken: string };
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const first = await call(
    s.apiUrl,
    'POST',
    '/api/v1/keys',
    { cookie, 'x-csrf-token': me.csrfToken },
    { name: 'all', scopes: ['ingest', 'read', 'admin'] },
  );
  expect(first.status).toBe(201);
  keys.all = ((await first.json()) as { key: string }).key;
  keys.ingest = await makeKey(['ingest'], 'ingest only', keys.all);
  keys.read = await makeKey(['read'], 'read only', keys.all);
  keys.admin = await makeKey(['admin'], 'admin only', keys.all);
  keys.revoked = await makeKey(['ingest', 'read', 'admin'], 'to revoke', keys.all);
  const prefix = keys.revoked.split('_')[1]!;
  const revoke = await call(s.apiUrl, 'DELETE', `/api/v1/keys/${prefix}`, {
    authorization: `Bearer ${keys.all}`,
  });
  expect(revoke.status).toBe(200);
}, 120_000);

afterAll(async () => s?.close());

const concrete = (url: string) => url.replace(/:[A-Za-z_]+/g, 'x').replace(/\*/g, 'x');

/** A key whose scopes leave out exactly the one the route needs. */
const wrongScopeKey = (scope: Scope): string =>
  scope === 'ingest'
    ? `${keys.read}|${keys.admin}`
    : scope === 'read'
      ? `${keys.ingest}|${keys.admin}`
      : `${keys.ingest}|${keys.read}`;

describe('auth matrix', () => {
  it('guards every route of both listeners by its scope', async () => {
    const routes = [
      ...s.auth!.routes.receive.map((r) => ({ ...r, base: s.otlpUrl, listener: 'receive' })),
      ...s.auth!.routes.query.map((r) => ({ ...r, base: s.apiUrl, listener: 'query' })),
    ];
    // The routes every build has, so an empty or partial enumeration cannot pass.
    const seen = new Set(routes.map((r) => `${r.method} ${r.url}`));
    for (const expected of [
      'POST /v1/traces',
      'POST /v1/logs',
      'POST /v1/metrics',
      'GET /health',
      'GET /metrics',
      'GET /api/v1/traces/:traceId',
      'POST /api/v1/metrics/query',
      'POST /api/v1/keys',
      'DELETE /api/v1/keys/:id',
      'GET /api/v1/auth/me',
    ]) {
      expect(seen, expected).toContain(expected);
    }

    console.log(`auth matrix: ${routes.length} routes on the receive and query listeners`);
    const failures: string[] = [];
    const check = (what: string, status: number, ok: (n: number) => boolean) => {
      if (!ok(status)) failures.push(`${what} → ${status}`);
    };
    const denied = (n: number) => n === 401;
    const forbidden = (n: number) => n === 403;
    const allowed = (n: number) => n !== 401 && n !== 403 && n !== 500 && n !== 429;

    for (const r of routes) {
      const path = concrete(r.url);
      const body = r.method === 'GET' || r.method === 'DELETE' ? undefined : {};
      const send = (headers: Record<string, string>) =>
        call(r.base, r.method, path, headers, body).then(async (res) => {
          // Only the status matters, and some routes stream (tail) until the client leaves.
          await res.body?.cancel();
          return res.status;
        });
      const what = (c: string) => `${r.listener} ${r.method} ${r.url} [${r.scope}] ${c}`;
      if (r.scope === 'public') {
        check(what('no key'), await send({}), allowed);
        continue;
      }
      check(what('no key'), await send({}), denied);
      check(what('wrong key'), await send({ authorization: `Bearer ${WRONG_KEY}` }), denied);
      check(what('revoked key'), await send({ 'x-sightline-key': keys.revoked! }), denied);
      if (r.scope === 'signed-in') {
        check(what('any key'), await send({ authorization: `Bearer ${keys.ingest}` }), allowed);
        continue;
      }
      for (const k of wrongScopeKey(r.scope).split('|')) {
        check(what('wrong scope'), await send({ authorization: `Bearer ${k}` }), forbidden);
      }
      check(what('right scope'), await send({ authorization: `Bearer ${keys[r.scope]}` }), allowed);
      check(
        what('right scope, x-sightline-key'),
        await send({ 'x-sightline-key': keys[r.scope]! }),
        allowed,
      );
    }
    expect(failures).toEqual([]);
  }, 300_000);

  it('answers 401 and 403 in each listener own error format, naming the problem', async () => {
    const otlp = await call(s.otlpUrl, 'POST', '/v1/traces', {}, {});
    expect(otlp.status).toBe(401);
    const otlpBody = (await otlp.json()) as { code: number; message: string };
    expect(otlpBody.code).toBe(16); // gRPC UNAUTHENTICATED, as OTLP clients read it
    expect(otlpBody.message).toContain('an API key is required');
    const scope = await call(
      s.otlpUrl,
      'POST',
      '/v1/traces',
      { 'x-sightline-key': keys.read! },
      {},
    );
    expect(scope.status).toBe(403);
    expect(((await scope.json()) as { message: string }).message).toContain("'ingest' scope");
    const api = await call(s.apiUrl, 'GET', '/api/v1/keys', {
      authorization: `Bearer ${keys.read}`,
    });
    expect(api.status).toBe(403);
    const apiBody = (await api.json()) as { error: { code: string; message: string } };
    expect(apiBody.error.code).toBe('SL_ERR_FORBIDDEN');
    expect(apiBody.error.message).toContain("lacks the 'admin' scope");
  });

  it('guards OTLP/gRPC with ingest keys from the metadata', async () => {
    const exportTraces = (headers: Record<string, string>) => {
      const client = new Client(s.grpcUrl!.replace(/^http:\/\//, ''), credentials.createInsecure());
      const metadata = new Metadata();
      for (const [k, v] of Object.entries(headers)) metadata.set(k, v);
      // An empty ExportTraceServiceRequest: valid, and carries nothing to store.
      return new Promise<number>((resolve) =>
        client.makeUnaryRequest(
          `/${GRPC_SERVICES.traces}/Export`,
          (b: Buffer) => b,
          (b: Buffer) => b,
          Buffer.alloc(0),
          metadata,
          (err) => {
            client.close();
            resolve(err ? err.code : GrpcStatus.OK);
          },
        ),
      );
    };
    expect(await exportTraces({})).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(await exportTraces({ 'x-sightline-key': WRONG_KEY })).toBe(GrpcStatus.UNAUTHENTICATED);
    expect(await exportTraces({ 'x-sightline-key': keys.revoked! })).toBe(
      GrpcStatus.UNAUTHENTICATED,
    );
    expect(await exportTraces({ authorization: `Bearer ${keys.read}` })).toBe(
      GrpcStatus.PERMISSION_DENIED,
    );
    expect(await exportTraces({ authorization: `Bearer ${keys.ingest}` })).toBe(GrpcStatus.OK);
    expect(await exportTraces({ 'x-sightline-key': keys.ingest! })).toBe(GrpcStatus.OK);
  });

  it('lists keys by prefix only and stores only a hash', async () => {
    const res = await call(s.apiUrl, 'GET', '/api/v1/keys', {
      authorization: `Bearer ${keys.admin}`,
    });
    expect(res.status).toBe(200);
    const text = await res.text();
    for (const k of Object.values(keys)) expect(text).not.toContain(k);
    const list = JSON.parse(text) as {
      keys: { name: string; prefix: string; revokedAt: string | null }[];
    };
    const revoked = list.keys.find((k) => k.name === 'to revoke');
    expect(revoked?.prefix).toBe(keys.revoked!.split('_')[1]);
    expect(revoked?.revokedAt).not.toBeNull();
    const rows = await s.store.reader.query({
      query: `SELECT hash FROM ${s.store.database}.sightline_api_keys`,
      format: 'JSONEachRow',
    });
    const hashes = (await rows.json<{ hash: string }>()).map((r) => r.hash);
    expect(hashes.length).toBeGreaterThanOrEqual(5);
    for (const h of hashes) expect(h).toMatch(/^[0-9a-f]{64}$/);
  });

  it('a key revoked on one instance stops working on another within seconds', async () => {
    // A second verifier on the same store stands for another instance of Sightline.
    const other = new AuthVerifier({ store: s.store, refreshMs: 2_000 });
    await other.start();
    try {
      const key = await makeKey(['ingest'], 'revoked elsewhere', keys.all!);
      expect(await other.verifyKey(key)).toMatchObject({ kind: 'key', name: 'revoked elsewhere' });
      const prefix = key.split('_')[1]!;
      const revokedAt = Date.now();
      const res = await call(s.apiUrl, 'DELETE', `/api/v1/keys/${prefix}`, {
        authorization: `Bearer ${keys.admin}`,
      });
      expect(res.status).toBe(200);
      // This instance refuses it at once…
      const here = await call(s.otlpUrl, 'POST', '/v1/traces', { 'x-sightline-key': key }, {});
      expect(here.status).toBe(401);
      // …the other one by its next refresh.
      while ((await other.verifyKey(key)) !== undefined && Date.now() - revokedAt < 10_000) {
        await new Promise((r) => setTimeout(r, 50));
      }
      const seconds = (Date.now() - revokedAt) / 1000;
      console.log(`revocation seen by the second instance after ${seconds.toFixed(2)} s`);
      expect(await other.verifyKey(key)).toBeUndefined();
      expect(seconds).toBeLessThan(10);
    } finally {
      other.stop();
    }
  }, 60_000);
});
