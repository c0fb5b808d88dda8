import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';
import { adminMadeKey, END, START, TIMES, requestsAt, storeFixtures } from './prom-api-fixtures.ts';

// Debian's promtool (scripts/setup-system.sh installs it) queries Sightline as it would query a
// Prometheus server, auth on: the read key travels as Basic auth in the URL's user info.

const run = promisify(execFile);
const PASSWORD = 'promtool-admin-password';
let s: RunningSightline;
let server: string;
let readKey: string;

beforeAll(async () => {
  s = await startTestSightline(
    testConfig({ SIGHTLINE_AUTH: 'on', SIGHTLINE_ADMIN_PASSWORD: PASSWORD }),
  );
  const ingestKey = await adminMadeKey(s, PASSWORD, ['ingest']);
  readKey = await adminMadeKey(s, PASSWORD, ['read']);
  await storeFixtures(s, ingestKey);
  const url = new URL(`${s.apiUrl}/prometheus`);
  url.username = 'promtool';
  url.password = readKey;
  server = url.toString();
}, 120_000);
afterAll(async () => s?.close());

async function promtool(...args: string[]): Promise<string> {
  const { stdout } = await run('promtool', ['query', ...args], { timeout: 120_000 });
  return stdout;
}

const last = TIMES.length - 1;
const endSeconds = String(END / 1000);

describe('promtool query', () => {
  it('instant: prints each series and its value at --time', async () => {
    const out = await promtool('instant', `--time=${endSeconds}`, server, 'sl_requests_total');
    expect(out.trim().split('\n')).toEqual([
      `sl_requests_total{code="200", instance="shop-1:9100", job="shop"} => ${requestsAt('200', last)} @[${endSeconds}]`,
      `sl_requests_total{code="500", instance="shop-1:9100", job="shop"} => ${requestsAt('500', last)} @[${endSeconds}]`,
    ]);
  });

  it('instant, JSON: a rate in requests per second', async () => {
    const out = await promtool(
      'instant',
      '-o',
      'json',
      `--time=${endSeconds}`,
      server,
      'sum by (code) (rate(sl_requests_total[1m]))',
    );
    const result = JSON.parse(out) as { metric: Record<string, string>; value: [number, string] }[];
    expect(result.map((r) => r.metric)).toEqual([{ code: '200' }, { code: '500' }]);
    expect(result.map((r) => r.value[0])).toEqual([END / 1000, END / 1000]);
    // 10 and 1 requests every 15 s.
    expect(Number(result[0]!.value[1])).toBeCloseTo(10 / 15, 9);
    expect(Number(result[1]!.value[1])).toBeCloseTo(1 / 15, 9);
  });

  it('range: every step from --start to --end', async () => {
    const out = await promtool(
      'range',
      '-o',
      'json',
      `--start=${new Date(START).toISOString()}`,
      `--end=${new Date(END).toISOString()}`,
      '--step=1m',
      server,
      'sl_requests_total{code="500"}',
    );
    const result = JSON.parse(out) as {
      metric: Record<string, string>;
      values: [number, string][];
    }[];
    expect(result).toHaveLength(1);
    expect(result[0]!.metric).toEqual({
      __name__: 'sl_requests_total',
      code: '500',
      instance: 'shop-1:9100',
      job: 'shop',
    });
    // One point a minute, i.e. every fourth sample.
    expect(result[0]!.values).toEqual(
      Array.from({ length: 11 }, (_, m) => [
        (START + m * 60_000) / 1000,
        String(requestsAt('500', 4 * m)),
      ]),
    );
  });

  it('series: the label sets --match selects', async () => {
    const out = await promtool(
      'series',
      '-o',
      'json',
      '--match=sl_requests_total',
      '--match={job="worker"}',
      `--start=${START / 1000}`,
      `--end=${endSeconds}`,
      server,
    );
    expect(JSON.parse(out)).toEqual([
      { __name__: 'queue_depth', instance: 'w-1', job: 'worker', queue: 'mail' },
      { __name__: 'sl_requests_total', code: '200', instance: 'shop-1:9100', job: 'shop' },
      { __name__: 'sl_requests_total', code: '500', instance: 'shop-1:9100', job: 'shop' },
    ]);
  });

  it("labels: a label's values", async () => {
    const out = await promtool('labels', '-o', 'json', server, 'code');
    expect(JSON.parse(out)).toEqual(['200', '500']);
    const jobs = await promtool('labels', server, 'job');
    expect(jobs.trim().split('\n')).toEqual(['api', 'shop', 'worker']);
  });

  it('fails with the API error without a key', async () => {
    const bare = `${s.apiUrl}/prometheus`;
    await expect(promtool('instant', bare, 'up')).rejects.toMatchObject({
      stderr: expect.stringMatching(/401|unauthorized|API key/i) as unknown,
    });
  });
});
