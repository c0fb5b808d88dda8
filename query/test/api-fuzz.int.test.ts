import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../../deploy/src/all-in-one.ts';
import { fuzzSeed, Prng } from '../../deploy/test/fuzz/prng.ts';
import { loadRequest } from '../../deploy/test/fuzz/load.ts';
import { select, startTestSightline } from '../../deploy/test/harness.ts';

/*
 * chDB keeps no system.query_log (the table does not exist in the embedded engine, even after
 * SYSTEM FLUSH LOGS), so the closest honest record is taken one step earlier: the store clients'
 * query/command/exec methods are wrapped on the running instance and every SQL text and its
 * bound parameters are captured as the routes send them. Every fuzz string carries a unique
 * token (zqz<n>q); a token inside SQL text means user input was spliced in instead of bound.
 */

const REQUESTS = Number(process.env.SIGHTLINE_API_FUZZ_REQUESTS ?? 600);
const REQUEST_TIMEOUT_MS = 90_000;

interface SentSql {
  readonly sql: string;
  readonly params: Record<string, unknown>;
}

let s: RunningSightline;
const captured: SentSql[] = [];

function capture(client: object): void {
  const c = client as Record<string, unknown>;
  for (const method of ['query', 'command', 'exec', 'insert'] as const) {
    const original = c[method] as ((p: Record<string, unknown>) => Promise<unknown>) | undefined;
    if (typeof original !== 'function') continue;
    c[method] = (p: Record<string, unknown>) => {
      captured.push({
        sql: typeof p.query === 'string' ? p.query : `INSERT INTO ${String(p.table)}`,
        params: (p.query_params as Record<string, unknown> | undefined) ?? {},
      });
      return original.call(client, p);
    };
  }
}

beforeAll(async () => {
  s = await startTestSightline();
  for (const signal of ['traces', 'logs'] as const) {
    const res = await fetch(`${s.otlpUrl}/v1/${signal}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: loadRequest(signal, 'api-fuzz', 1, 20),
    });
    expect(res.status).toBe(200);
  }
  capture(s.store.reader);
  capture(s.store.writer);
}, 120_000);
afterAll(async () => s.close(), 120_000);

let token = 0;
const mark = (): string => `zqz${++token}q`;
const MARK = /zqz\d+q/;

const HOSTILE = [
  "'; DROP TABLE sightline.otel_traces; --",
  "' OR '1'='1",
  '\\',
  "\\'",
  '"',
  '`',
  '{p0:String}',
  '}) OR 1=1 --',
  '/* x */',
  'Ёжик 🚀',
  '\u202e',
  '\u0000',
  '%',
  '_',
  '*',
  '(',
  ')',
  '[',
  ':',
  '-',
];

/** A string with a token, hostile text around it. */
function hostileString(rng: Prng): string {
  const m = mark();
  switch (rng.int(5)) {
    case 0:
      return m;
    case 1:
      return `${rng.pick(HOSTILE)}${m}${rng.pick(HOSTILE)}`;
    case 2:
      return `${m}${rng.pick(HOSTILE)}`.repeat(1 + rng.int(3));
    case 3:
      return `${rng.pick(HOSTILE)}${m}`;
    default:
      return `${m}${'x'.repeat(rng.pick([10, 1000, 10_000]))}`;
  }
}

/** A search-language query built from its grammar's pieces, tokens in every user-supplied spot. */
function hostileSearch(rng: Prng): string {
  const field = () =>
    rng.pick([
      'service',
      'level',
      'duration',
      'http.status_code',
      `attr.${mark()}`,
      mark(),
      `"${mark()}'"`,
      `${mark()}\\:x`,
      `resource.${mark()}`,
    ]);
  const value = () =>
    rng.pick([
      mark(),
      `"${hostileString(rng)}"`,
      `>${mark()}`,
      `>=500ms`,
      `<${rng.pick(['1e309', '-1', '99999999999999999999', '1.5h', 'NaNms'])}`,
      `[${mark()} TO ${mark()}]`,
      `[1 TO *]`,
      `${mark()}*`,
      `*${mark()}`,
      `/${mark()}/`,
    ]);
  const terms = Array.from({ length: 1 + rng.int(4) }, () => {
    const t = rng.chance(0.7) ? `${field()}:${value()}` : value();
    return rng.pick(['', '-', 'NOT ', '(']) + t + rng.pick(['', '', ')']);
  });
  const joined = terms.join(rng.pick([' ', ' AND ', ' OR ', '  ']));
  return rng.chance(0.1) ? joined + rng.pick(['"', '(', ')', ':', '[', '\\']) : joined;
}

const WEIRD_NUMBERS = [
  '-1',
  '0',
  '1e309',
  '99999999999999999999999',
  '1.5',
  'NaN',
  'Infinity',
  '0x10',
  '',
  ' ',
];
const WEIRD_TIMES = [
  'now',
  'now-1h',
  'now-99999999d',
  '1970-01-01T00:00:00Z',
  '9999-12-31T23:59:59Z',
  '2262-04-12T00:00:00Z',
  '-1',
  '99999999999999999999',
  'yesterday',
  '2026-13-45',
];

function paramValue(rng: Prng, name: string): string {
  const n = name.toLowerCase();
  if (rng.chance(0.3)) return hostileString(rng);
  if (n === 'q' || n.includes('query') || n.includes('search')) return hostileSearch(rng);
  if (n.includes('from') || n.includes('to') || n.includes('time') || n.includes('at'))
    return rng.pick(WEIRD_TIMES);
  if (n.includes('limit') || n.includes('size') || n.includes('step') || n.includes('count'))
    return rng.pick(WEIRD_NUMBERS);
  if (n.includes('cursor'))
    return rng.pick([
      Buffer.from(hostileString(rng)).toString('base64url'),
      Buffer.from(JSON.stringify({ t: mark(), id: hostileString(rng) })).toString('base64url'),
      hostileString(rng),
    ]);
  if (n.includes('duration') || n.includes('window'))
    return rng.pick(['1s', '-5m', '99999999999d', 'NaNs', '1e309ms', mark()]);
  return hostileString(rng);
}

interface Route {
  readonly path: string;
  readonly pathParams: string[];
  readonly queryParams: string[];
}

async function getRoutes(): Promise<Route[]> {
  const doc = (await (await fetch(`${s.apiUrl}/api/v1/openapi.json`)).json()) as {
    paths: Record<string, { get?: { parameters?: { in: string; name: string }[] } }>;
  };
  return (
    Object.entries(doc.paths)
      // The live tail streams until the client goes away: a request to it never "completes".
      .filter(([path, ops]) => ops.get && !path.endsWith('/logs/tail'))
      .map(([path, ops]) => {
        const ps = ops.get!.parameters ?? [];
        return {
          path,
          pathParams: ps.filter((p) => p.in === 'path').map((p) => p.name),
          queryParams: ps.filter((p) => p.in === 'query').map((p) => p.name),
        };
      })
  );
}

async function tableState(): Promise<unknown[]> {
  // The alert evaluator renews its lease on its own every few seconds: that table's schema is
  // compared, its row count is not.
  return select(
    s,
    `SELECT name, create_table_query, if(name = 'alert_lease', '-', toString(total_rows)) AS total_rows
     FROM system.tables WHERE database = 'sightline' ORDER BY name`,
  );
}

describe('query API fuzz', () => {
  it('answers hostile parameters and search strings on every GET route without a 5xx, binding all input as parameters', async () => {
    const seed = fuzzSeed();
    console.log(`API fuzz seed ${seed} (SIGHTLINE_FUZZ_SEED=${seed}), ${REQUESTS} requests`);
    const rng = new Prng(seed);
    const routes = await getRoutes();
    expect(routes.length).toBeGreaterThan(8);
    const before = await tableState();
    captured.length = 0;

    const outcomes = new Map<string, Map<number, number>>();
    const serverErrors: { url: string; status: number; body: string }[] = [];
    let sent = 0;
    const worker = async () => {
      while (sent < REQUESTS) {
        sent++;
        const route = rng.pick(routes);
        let path = route.path;
        for (const p of route.pathParams) {
          path = path.replace(`{${p}}`, encodeURIComponent(paramValue(rng, p)));
        }
        const qs = new URLSearchParams();
        for (const p of route.queryParams) if (rng.chance(0.6)) qs.set(p, paramValue(rng, p));
        if (rng.chance(0.05)) qs.append(rng.pick(route.queryParams.concat('q')), mark()); // repeated
        const url = `${s.apiUrl}${path}${qs.size > 0 ? `?${qs.toString()}` : ''}`;
        let status: number;
        let body: string;
        try {
          // Longer than the store's own query timeout (30 s): a route that hangs is a finding.
          const res = await fetch(url, { signal: AbortSignal.timeout(REQUEST_TIMEOUT_MS) });
          status = res.status;
          body = await res.text();
        } catch (err) {
          status = 0;
          body = String(err);
        }
        const row = outcomes.get(route.path) ?? new Map<number, number>();
        outcomes.set(route.path, row);
        row.set(status, (row.get(status) ?? 0) + 1);
        if (status >= 500 || status === 0)
          serverErrors.push({ url: url.slice(0, 400), status, body: body.slice(0, 300) });
      }
    };
    await Promise.all(Array.from({ length: 6 }, worker));

    const table = [...outcomes.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(
        ([p, row]) =>
          `  ${p.padEnd(48)} ${[...row]
            .sort()
            .map(([st, n]) => `${st}×${n}`)
            .join('  ')}`,
      );
    console.log(
      `outcomes (status×count) for seed ${seed}:\n${table.join('\n')}\n${captured.length} SQL statements captured`,
    );
    expect(serverErrors.slice(0, 5)).toEqual([]);
    // Queries did reach the store: the check below looked at real SQL.
    expect(captured.length).toBeGreaterThan(REQUESTS / 10);
    expect(captured.some((c) => Object.values(c.params).some((v) => MARK.test(String(v))))).toBe(
      true,
    );
    const spliced = captured.filter((c) => MARK.test(c.sql)).map((c) => c.sql.slice(0, 400));
    expect(spliced.slice(0, 3)).toEqual([]);
    expect(await tableState()).toEqual(before);
  }, 900_000);
});
