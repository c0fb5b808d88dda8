import { request } from 'node:http';
import { Writable } from 'node:stream';
import { pino } from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSightline, type RunningSightline } from '../../../../deploy/src/all-in-one.ts';
import { testConfig } from '../../../../deploy/test/harness.ts';

/**
 * PromQL queries that really run long, stopped by their `timeout` and by their client hanging
 * up. The query: a one-millisecond subquery over a thousand days (86 billion steps; one day of it
 * took ~20 s on this machine), which no test run would see finish, so when ClickHouse's process
 * list no longer shows it, it was stopped — before Sightline's own 2-minute limit could.
 */
const ENDLESS = 'count_over_time(vector(1)[1000d:1ms])';
let s: RunningSightline;
const logs: { msg?: string; errorType?: string }[] = [];

beforeAll(async () => {
  const sink = new Writable({
    write(chunk: Buffer, _enc, done) {
      for (const line of chunk.toString().split('\n'))
        if (line.trim() !== '') logs.push(JSON.parse(line) as (typeof logs)[number]);
      done();
    },
  });
  s = await startSightline(testConfig(), pino({ level: 'info' }, sink));
});

afterAll(async () => s?.close());

const url = (params: Record<string, string>) =>
  `${s.apiUrl}/prometheus/api/v1/query?${new URLSearchParams({ query: ENDLESS, time: '1700000000', ...params }).toString()}`;

/** PromQL reads ClickHouse is running now (asked on the writer's session: reads may be busy). */
async function running(): Promise<number> {
  const rs = await s.store.writer.query({
    query: `SELECT count() AS n FROM system.processes
      WHERE query LIKE '%numbers(%' AND query NOT LIKE '%system.processes%'`,
    format: 'JSONEachRow',
  });
  const rows = await rs.json<{ n: string }>();
  return Number(rows[0]?.n ?? 0);
}

/** Waits for `check`, giving up after a minute: half of the 2-minute limit that would stop the query anyway. */
async function until(what: string, check: () => boolean | Promise<boolean>): Promise<void> {
  const giveUp = Date.now() + 60_000;
  while (!(await check())) {
    if (Date.now() > giveUp) throw new Error(`still waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe('PromQL timeout and cancellation over HTTP', () => {
  it('a query over its timeout= answers 503 timeout, and ClickHouse stops it', async () => {
    const res = await fetch(url({ timeout: '1s' }));
    expect(res.status).toBe(503);
    expect(await res.json()).toEqual({
      status: 'error',
      errorType: 'timeout',
      error: 'query timed out in expression evaluation (1000 ms)',
    });
    await until('the timed-out query to stop', async () => (await running()) === 0);
    expect(logs.some((l) => l.msg === 'prometheus API query timeout')).toBe(true);
  }, 90_000);

  it('a client that hangs up mid-query cancels it in ClickHouse, and the log says canceled', async () => {
    const req = request(url({ timeout: '10m' }));
    req.on('error', () => undefined);
    req.end();
    await until('the query to run', async () => (await running()) === 1);
    req.destroy();
    await until('the query to stop', async () => (await running()) === 0);
    await until('the log line', () => logs.some((l) => l.msg === 'prometheus API query canceled'));
    expect(logs.find((l) => l.msg === 'prometheus API query canceled')?.errorType).toBe('canceled');
  }, 150_000);
});
