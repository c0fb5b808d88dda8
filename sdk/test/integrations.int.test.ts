import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type {
  CircuitBreakersResponse,
  Dependency,
  ServiceDependenciesResponse,
} from '@sightline/model/api/dependencies';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { select, startTestSightline } from '../../deploy/test/harness.ts';
import { startMariadb, startPostgres, startRedis, type DbServer } from './db-servers.ts';
import { eventually, getJson, spawnSdkProcess, type SdkProcess } from './sdk-process.ts';

/**
 * The SDK's integration points against real servers (PostgreSQL, MariaDB, Redis from the Debian
 * packages): a service started with the SDK preload makes known calls, and what Sightline stored
 * is read back — client spans with the database attributes, and the breaker's metrics.
 */

const SERVICE = fileURLToPath(new URL('./fixtures/deps-service.ts', import.meta.url));
const PEER = fileURLToPath(new URL('./fixtures/chain-service.ts', import.meta.url));
const NAME = 'deps-app';

let sightline: RunningSightline;
let servers: { pg: DbServer; maria: DbServer; redis: DbServer };
let app: SdkProcess;
let peer: SdkProcess;

interface SpanRow {
  SpanName: string;
  SpanKind: string;
  StatusCode: string;
  ParentSpanId: string;
  TraceId: string;
  SpanAttributes: Record<string, string>;
  'Events.Name': string[];
  'Events.Attributes': Record<string, string>[];
}
let spans: SpanRow[] = [];
let dependencies: ServiceDependenciesResponse;
const started = Date.now();

async function call(path: string): Promise<number> {
  const res = await fetch(`http://127.0.0.1:${app.port}${path}`);
  await res.text();
  return res.status;
}

/** The breaker's gauge values in time order, repeats collapsed. */
async function stateSequence(): Promise<number[]> {
  const rows = await select<{ Value: number }>(
    sightline,
    `SELECT Value FROM sightline.otel_metrics_gauge
     WHERE ServiceName = {s:String} AND MetricName = 'circuit_breaker.state'
       AND Attributes['circuit_breaker.name'] = 'orders-db'
     ORDER BY TimeUnix`,
    { s: NAME },
  );
  return rows.map((r) => r.Value).filter((v, i, all) => i === 0 || all[i - 1] !== v);
}

/** Waits until the stored states begin with `sequence` (later ones may have arrived too). */
async function waitForState(sequence: number[]): Promise<void> {
  let seen: number[] = [];
  try {
    await eventually(
      async () => {
        seen = await stateSequence();
        return seen.slice(0, sequence.length).join() === sequence.join() ? true : undefined;
      },
      `breaker states ${sequence.join(' → ')}`,
      30_000,
    );
  } catch (error) {
    throw new Error(`${(error as Error).message}; stored: ${seen.join(' → ')}`, { cause: error });
  }
}

beforeAll(async () => {
  const [s, pg, maria, redis] = await Promise.all([
    startTestSightline(),
    startPostgres(),
    startMariadb(),
    startRedis(),
  ]);
  sightline = s;
  servers = { pg, maria, redis };
  const telemetry = {
    OTEL_EXPORTER_OTLP_ENDPOINT: sightline.otlpUrl,
    OTEL_BSP_SCHEDULE_DELAY: '100',
    OTEL_BLRP_SCHEDULE_DELAY: '100',
  };
  peer = await spawnSdkProcess('deps-peer', PEER, {
    preload: true,
    env: { ...telemetry, FRAMEWORK: 'http' },
  });
  app = await spawnSdkProcess(NAME, SERVICE, {
    preload: true,
    env: {
      ...telemetry,
      // Often enough to see each breaker state (it stays open 1.5 s), not so often that the
      // runtime metrics sent with them load a shared machine.
      OTEL_METRIC_EXPORT_INTERVAL: '250',
      PEER_URL: `http://127.0.0.1:${peer.port}`,
      PG_PORT: String(pg.port),
      MYSQL_PORT: String(maria.port),
      REDIS_PORT: String(redis.port),
      BREAKER_RESET_MS: '1500',
    },
  });

  for (const path of ['/pg', '/mysql', '/ioredis', '/redis', '/peer', '/peer']) {
    expect(await call(path), path).toBe(200);
  }
  for (const path of ['/orders', '/orders', '/orders']) {
    expect(await call(path), path).toBe(200);
  }
  await waitForState([0]);
  // The dependency breaks: two failures open the breaker, the next call is rejected.
  await call('/chaos?on=1');
  expect([await call('/orders'), await call('/orders')]).toEqual([503, 503]);
  expect(await call('/orders')).toBe(503);
  await waitForState([0, 2]);
  // It recovers: after resetTimeout the breaker lets one trial call through, which succeeds.
  await call('/chaos?on=0');
  await app.waitForLine((l) => l.to === 'halfOpen');
  await waitForState([0, 2, 1]);
  expect(await call('/orders')).toBe(200);
  await waitForState([0, 2, 1, 0]);

  app.child.kill('SIGTERM');
  peer.child.kill('SIGTERM');
  await Promise.all([app.exit, peer.exit]);
  spans = await select<SpanRow>(
    sightline,
    `SELECT SpanName, SpanKind, StatusCode, ParentSpanId, TraceId, SpanAttributes,
            Events.Name, Events.Attributes
     FROM sightline.otel_traces WHERE ServiceName = {s:String} ORDER BY Timestamp`,
    { s: NAME },
  );
  dependencies = await getJson<ServiceDependenciesResponse>(
    `${sightline.apiUrl}/api/v1/services/${NAME}/dependencies?from=${started - 1000}&to=${Date.now() + 1000}`,
  );
}, 180_000);

afterAll(async () => {
  app?.kill();
  peer?.kill();
  await Promise.all([
    sightline?.close(),
    servers?.pg.stop(),
    servers?.maria.stop(),
    servers?.redis.stop(),
  ]);
});

const byText = (text: string): SpanRow | undefined =>
  spans.find((s) => s.SpanAttributes['db.query.text'] === text);

/** The server span of the request in which `span` was made. */
const requestOf = (span: SpanRow | undefined): SpanRow | undefined =>
  spans.find((s) => s.TraceId === span?.TraceId && s.SpanKind === 'Server');

describe('database and cache spans from real servers', () => {
  it('pg: client spans with system, namespace, operation, address, port and sanitised text', () => {
    const literal = byText('SELECT item FROM orders WHERE item = ? AND id = ?');
    expect(literal?.SpanKind).toBe('Client');
    expect(literal?.SpanAttributes).toMatchObject({
      'db.system.name': 'postgresql',
      'db.namespace': 'sightline',
      'db.operation.name': 'SELECT',
      'server.address': '127.0.0.1',
      'server.port': String(servers.pg.port),
    });
    expect(requestOf(literal)?.SpanAttributes['url.path']).toBe('/pg');
    expect(byText('SELECT $1::int + ? AS n, ? AS label')).toBeDefined();
    expect(JSON.stringify(spans)).not.toContain('ünïcode');
    expect(JSON.stringify(spans)).not.toContain("'book'");
  });

  it('mysql2 (MariaDB): the formatted values are masked too', () => {
    const span = byText('SELECT ? + ? AS n, ? AS s');
    expect(span?.SpanKind).toBe('Client');
    expect(span?.SpanAttributes).toMatchObject({
      'db.system.name': 'mysql',
      'db.operation.name': 'SELECT',
      'server.address': '127.0.0.1',
      'server.port': String(servers.maria.port),
    });
    expect(requestOf(span)?.SpanAttributes['url.path']).toBe('/mysql');
    expect(JSON.stringify(spans)).not.toContain('secret');
  });

  it.each([
    ['ioredis', '/ioredis', 'cart:7', 'three books'],
    ['node-redis', '/redis', 'session:9', 'token-abc'],
  ])('%s: command spans keep the key and drop the value', (_client, path, key, value) => {
    const commands = spans.filter(
      (s) =>
        s.SpanAttributes['db.system.name'] === 'redis' &&
        requestOf(s)?.SpanAttributes['url.path'] === path,
    );
    expect(commands.map((s) => s.SpanAttributes['db.operation.name']?.toLowerCase())).toEqual([
      'set',
      'get',
    ]);
    for (const span of commands) {
      expect(span.SpanKind).toBe('Client');
      expect(span.SpanAttributes['server.port']).toBe(String(servers.redis.port));
      expect(span.SpanAttributes['db.query.text']).toContain(key);
    }
    expect(JSON.stringify(commands)).not.toContain(value);
  });
});

describe('circuit breaker through real failures', () => {
  it('went closed → open → half-open → closed, as the state gauge shows', async () => {
    expect(await stateSequence()).toEqual([0, 2, 1, 0]);
  });

  it('counted each call by outcome', async () => {
    const rows = await select<{ outcome: string; calls: number }>(
      sightline,
      `SELECT Attributes['outcome'] AS outcome, max(Value) AS calls FROM sightline.otel_metrics_sum
       WHERE ServiceName = {s:String} AND MetricName = 'circuit_breaker.calls'
         AND Attributes['circuit_breaker.name'] = 'orders-db'
       GROUP BY outcome ORDER BY outcome`,
      { s: NAME },
    );
    expect(rows).toEqual([
      { outcome: 'failure', calls: 2 },
      { outcome: 'rejected', calls: 1 },
      { outcome: 'success', calls: 4 },
    ]);
  });

  it('marked the rejected request’s span, and the failing queries are error spans', () => {
    const rejected = spans.filter((s) => s['Events.Name'].includes('circuit_breaker.rejected'));
    expect(rejected).toHaveLength(1);
    expect(rejected[0]?.SpanAttributes).toMatchObject({
      'url.path': '/orders',
      'circuit_breaker.name': 'orders-db',
      'circuit_breaker.outcome': 'rejected',
    });
    const failed = spans.filter(
      (s) => s.SpanAttributes['db.query.text']?.includes('no_such_table') === true,
    );
    expect(failed.map((s) => s.StatusCode)).toEqual(['Error', 'Error']);
  });
});

describe('GET /services/{service}/dependencies', () => {
  const find = (kind: string, name: string): Dependency | undefined =>
    dependencies.dependencies.find((d) => d.kind === kind && d.name === name);
  const clientSpans = (system: string): SpanRow[] =>
    spans.filter((s) => s.SpanKind === 'Client' && s.SpanAttributes['db.system.name'] === system);

  it('lists each database and cache by system and address, counting the calls made', () => {
    const postgres = find('database', `postgresql 127.0.0.1:${servers.pg.port}`);
    const pgSpans = clientSpans('postgresql');
    // Two table set-up queries at start, two in /pg, six through the breaker (two failing).
    expect(pgSpans.filter((s) => s.SpanAttributes['db.query.text'] !== undefined)).toHaveLength(10);
    expect(postgres).toMatchObject({
      system: 'postgresql',
      address: `127.0.0.1:${servers.pg.port}`,
      requests: pgSpans.length,
      errors: 2,
    });
    expect(postgres?.errorRate).toBeCloseTo(2 / pgSpans.length, 10);

    const maria = find('database', `mysql 127.0.0.1:${servers.maria.port}`);
    expect(maria).toMatchObject({ requests: clientSpans('mysql').length, errors: 0, errorRate: 0 });
    expect(clientSpans('mysql').length).toBeGreaterThanOrEqual(1);

    const redis = find('cache', `redis 127.0.0.1:${servers.redis.port}`);
    expect(redis).toMatchObject({ requests: clientSpans('redis').length, errors: 0 });
    expect(clientSpans('redis').length).toBeGreaterThanOrEqual(4);

    for (const d of [postgres, maria, redis]) {
      const { p50Ms, p95Ms, p99Ms } = d ?? {};
      expect(p50Ms).toBeGreaterThan(0);
      expect(p95Ms).toBeGreaterThanOrEqual(p50Ms ?? Infinity);
      expect(p99Ms).toBeGreaterThanOrEqual(p95Ms ?? Infinity);
      const seriesRequests = (d?.series.rate ?? []).reduce(
        (n, [, rate]) => n + (rate ?? 0) * (dependencies.step / 1000),
        0,
      );
      expect(Math.round(seriesRequests)).toBe(d?.requests);
    }
  });

  it('lists the called service by the peer that served the calls', () => {
    const service = find('service', 'deps-peer');
    expect(service).toMatchObject({ system: null, address: `127.0.0.1:${peer.port}` });
    expect(service?.requests).toBe(2);
    expect(service?.errors).toBe(0);
  });

  it('lists the breaker with its calls, current state and time spent open', () => {
    const breaker = find('circuit_breaker', 'orders-db');
    expect(breaker).toMatchObject({
      requests: 7,
      errors: 3,
      p95Ms: null,
      breaker: { state: 'closed', outcomes: { success: 4, failure: 2, rejected: 1 } },
    });
    expect(breaker?.errorRate).toBeCloseTo(3 / 7, 10);
    // Open for resetTimeout (1.5 s), as sampled by 250 ms metric exports.
    expect(breaker?.breaker?.openSeconds).toBeGreaterThan(1);
    expect(breaker?.breaker?.openSeconds).toBeLessThan(3);
  });

  it("lists it among all services' breakers, for the breaker grid", async () => {
    const all = await getJson<CircuitBreakersResponse>(
      `${sightline.apiUrl}/api/v1/circuit-breakers?from=${started - 1000}&to=${Date.now()}`,
    );
    expect(all.breakers).toEqual([
      expect.objectContaining({
        service: NAME,
        name: 'orders-db',
        requests: 7,
        errors: 3,
        state: 'closed',
        outcomes: { success: 4, failure: 2, rejected: 1 },
      }),
    ]);
  });

  it('puts the worst first and answers 400 for a bad range', async () => {
    const rates = dependencies.dependencies.map((d) => d.errorRate ?? -1);
    expect(rates).toEqual([...rates].sort((a, b) => b - a));
    const res = await fetch(
      `${sightline.apiUrl}/api/v1/services/${NAME}/dependencies?from=yesterday`,
    );
    expect(res.status).toBe(400);
    expect(await res.text()).toContain('from');
  });
});
