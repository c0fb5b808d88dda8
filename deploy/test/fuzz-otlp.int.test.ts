import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '@sightline/collector/otlp/proto';
import { TRUNCATED_MARKER } from '@sightline/collector/otlp/values';
import type { RunningSightline } from '../src/all-in-one.ts';
import { loadRequest, sendWithRetry, storedPerRequestSql } from './fuzz/load.ts';
import { deepAnyValue, fuzzCase, manyAttributes, MUTATED_SERVICE } from './fuzz/otlp-mutate.ts';
import { fuzzSeed, Prng } from './fuzz/prng.ts';
import { nowNanos, select, startTestSightline } from './harness.ts';

const CASES = Number(process.env.SIGHTLINE_FUZZ_CASES ?? 2000);
const FUZZ_WORKERS = 4;
const VALID_REQUESTS = 150;
const VALID_ITEMS = 20;
/** RSS of this process (server and senders together) may grow at most this much over the run. */
const RSS_GROWTH_LIMIT_MIB = 600;
const MAX_VALUE_LENGTH = 32_768; // the default SIGHTLINE_MAX_ATTRIBUTE_LENGTH
const MAX_ATTRIBUTES = 512; // the default SIGHTLINE_MAX_ATTRIBUTES

let s: RunningSightline;
beforeAll(async () => {
  s = await startTestSightline();
});
afterAll(async () => s.close(), 300_000);

describe('OTLP fuzz', () => {
  it('answers thousands of hostile bodies with 2xx/4xx only, stays up, and stores all valid traffic sent alongside', async () => {
    const seed = fuzzSeed();
    // Printed so a failing run can be replayed with SIGHTLINE_FUZZ_SEED.
    console.log(`OTLP fuzz seed ${seed} (SIGHTLINE_FUZZ_SEED=${seed}), ${CASES} cases`);
    const rng = new Prng(seed);
    const rssBefore = process.memoryUsage().rss;
    let rssPeak = rssBefore;
    const sampler = setInterval(() => {
      rssPeak = Math.max(rssPeak, process.memoryUsage().rss);
    }, 250);

    const matrix = new Map<string, Map<string, number>>();
    const failures: { index: number; family: string; status: number; text: string }[] = [];
    const failDir = mkdtempSync(join(tmpdir(), 'sightline-fuzz-fail-'));
    let next = 0;
    const fuzzWorker = async () => {
      while (next < CASES) {
        const index = next++;
        const c = fuzzCase(rng);
        let status: number;
        let text: string;
        try {
          const res = await fetch(`${s.otlpUrl}/v1/${c.signal}`, {
            method: 'POST',
            headers: c.headers,
            body: c.body,
          });
          status = res.status;
          text = Buffer.from(await res.arrayBuffer())
            .toString('utf8')
            .slice(0, 300);
        } catch (err) {
          status = 0;
          text = `${String(err)}: ${String((err as { cause?: unknown }).cause)}`;
        }
        const row = matrix.get(c.family) ?? new Map<string, number>();
        matrix.set(c.family, row);
        const bucket = `${status}`;
        row.set(bucket, (row.get(bucket) ?? 0) + 1);
        if (status < 200 || status >= 500 || (status >= 300 && status < 400)) {
          const file = join(failDir, `case-${index}.bin`);
          writeFileSync(file, c.body);
          const meta = { family: c.family, signal: c.signal, headers: c.headers, status, text };
          writeFileSync(`${file}.json`, JSON.stringify(meta, null, 2));
          failures.push({ index, family: c.family, status, text: `${text} (body in ${file})` });
        }
      }
    };

    const service = `fuzz-valid-${seed}`;
    let validNext = 0;
    const validStatuses: number[] = [];
    const validFailures: number[] = [];
    const validWorker = async () => {
      while (validNext < VALID_REQUESTS) {
        const no = ++validNext;
        const signal = no % 3 === 0 ? 'logs' : 'traces';
        const body = loadRequest(signal, service, no, VALID_ITEMS);
        let r = await sendWithRetry(`${s.otlpUrl}/v1/${signal}`, body);
        validStatuses.push(...r.statuses);
        // 408 is Node's own answer when a request's headers do not arrive in time (the event
        // loop was busy): nothing was processed, so a client may resend. Counted and reported.
        for (let tries = 0; r.status === 408 && tries < 5; tries++) {
          r = await sendWithRetry(`${s.otlpUrl}/v1/${signal}`, body);
          validStatuses.push(...r.statuses);
        }
        if (r.status !== 200) validFailures.push(r.status);
      }
    };

    const loopDelay = monitorEventLoopDelay({ resolution: 20 });
    loopDelay.enable();
    await Promise.all([
      ...Array.from({ length: FUZZ_WORKERS }, fuzzWorker),
      ...Array.from({ length: 3 }, validWorker),
    ]);
    clearInterval(sampler);
    loopDelay.disable();

    const table = [...matrix.entries()]
      .sort(([a], [b]) => a.localeCompare(b))
      .map(([family, row]) => {
        const cells = [...row.entries()].sort().map(([st, n]) => `${st}×${n}`);
        return `  ${family.padEnd(44)} ${cells.join('  ')}`;
      });
    console.log(`outcomes (status×count) for seed ${seed}:\n${table.join('\n')}`);
    console.log(
      `valid stream statuses: ${[...new Set(validStatuses)].join(', ')}; event loop delay max ${(loopDelay.max / 1e6).toFixed(0)} ms, p99 ${(loopDelay.percentile(99) / 1e6).toFixed(0)} ms; RSS before ${(rssBefore / 2 ** 20).toFixed(0)} MiB, peak ${(rssPeak / 2 ** 20).toFixed(0)} MiB`,
    );

    expect(failures.slice(0, 10)).toEqual([]);
    expect(validFailures).toEqual([]);
    expect(validStatuses.filter((st) => st !== 200 && st !== 408)).toEqual([]);
    const health = await fetch(`${s.otlpUrl}/health`);
    expect(health.status).toBe(200);
    expect((rssPeak - rssBefore) / 2 ** 20).toBeLessThan(RSS_GROWTH_LIMIT_MIB);

    // Every valid item stored exactly once.
    const expected = { traces: 0, logs: 0 };
    for (let no = 1; no <= VALID_REQUESTS; no++) expected[no % 3 === 0 ? 'logs' : 'traces']++;
    for (const signal of ['traces', 'logs'] as const) {
      const rows = await select<{ req: string; n: string; distinct: string }>(
        s,
        storedPerRequestSql(signal),
        { service },
      );
      expect(rows.length).toBe(expected[signal]);
      expect(rows.every((r) => r.n === String(VALID_ITEMS) && r.distinct === r.n)).toBe(true);
    }

    // What the hostile requests did get stored respects the limits: long values were cut and
    // marked, never more attributes than the limit (plus the dropped-count attribute).
    const [limits] = await select<{ longest: string; unmarked: string; most: string }>(
      s,
      `SELECT max(lengthUTF8(v)) AS longest,
                countIf(lengthUTF8(v) > {max:UInt32} AND NOT endsWith(v, {marker:String})) AS unmarked,
                max(n) AS most
         FROM (SELECT arrayJoin(mapValues(SpanAttributes)) AS v, length(SpanAttributes) AS n
               FROM sightline.otel_traces WHERE ServiceName = {svc:String})`,
      { svc: MUTATED_SERVICE, max: MAX_VALUE_LENGTH, marker: TRUNCATED_MARKER },
    );
    expect(Number(limits!.longest)).toBeLessThanOrEqual(MAX_VALUE_LENGTH + TRUNCATED_MARKER.length);
    expect(limits!.unmarked).toBe('0');
    expect(Number(limits!.most)).toBeLessThanOrEqual(MAX_ATTRIBUTES + 1);
  }, 900_000);

  it('truncates 1 MB values, 10k-attribute maps and over-deep values in protobuf with a marker, keeping the span', async () => {
    const big = 'z'.repeat(1 << 20);
    const type = REQUEST_TYPES.traces;
    const body = type
      .encode(
        type.fromObject({
          resourceSpans: [
            {
              resource: {
                attributes: [{ key: 'service.name', value: { stringValue: 'fuzz-limits' } }],
              },
              scopeSpans: [
                {
                  spans: [
                    {
                      traceId: Buffer.alloc(16, 0x31),
                      spanId: Buffer.alloc(8, 0x31),
                      name: 'limits',
                      startTimeUnixNano: nowNanos(-1),
                      endTimeUnixNano: nowNanos(),
                      attributes: [
                        { key: 'big', value: { stringValue: big } },
                        { key: 'deep', value: deepAnyValue(40) },
                        { key: 'k'.repeat(40_000), value: { stringValue: 'long key' } },
                        ...manyAttributes(10_000),
                      ],
                    },
                  ],
                },
              ],
            },
          ],
        }),
      )
      .finish();
    const res = await fetch(`${s.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-protobuf' },
      body,
    });
    expect(res.status).toBe(200);
    const [row] = await select<{
      big: string;
      deep: string;
      n: string;
      dropped: string;
      longKey: string;
    }>(
      s,
      `SELECT SpanAttributes['big'] AS big, SpanAttributes['deep'] AS deep, length(SpanAttributes) AS n,
              SpanAttributes['sightline.dropped_attributes'] AS dropped,
              arrayFirst(k -> startsWith(k, 'kkk'), mapKeys(SpanAttributes)) AS longKey
       FROM sightline.otel_traces WHERE ServiceName = 'fuzz-limits'`,
    );
    expect(row!.big).toBe('z'.repeat(MAX_VALUE_LENGTH) + TRUNCATED_MARKER);
    expect(row!.deep).toContain(JSON.stringify(TRUNCATED_MARKER));
    expect(row!.longKey).toBe('k'.repeat(MAX_VALUE_LENGTH) + TRUNCATED_MARKER);
    // 3 named attributes + 10,000 numbered ones, 512 kept, the rest counted.
    expect(row!.n).toBe(String(MAX_ATTRIBUTES + 1));
    expect(row!.dropped).toBe(String(10_003 - MAX_ATTRIBUTES));
  });
});
