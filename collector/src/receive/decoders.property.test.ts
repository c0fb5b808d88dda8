import fc from 'fast-check';
import { compress } from 'snappyjs';
import { afterAll, describe, expect, it } from 'vitest';
import { batchSize, type RowBatch } from '@sightline/model/rows';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { WriteRequest } from '../prom/remote-write-proto.ts';
import { buildReceiveApp } from './app.ts';

// Property-based checks of the Zipkin and remote-write decoders through the receive app: for any
// body, the answer is 2xx or 4xx (never a 5xx or a crash), and what the answer says was stored is
// exactly what reached the sink. A fixed seed and number of cases, so CI runs the same inputs
// every time (SIGHTLINE_PROPERTY_SEED explores others; fast-check prints the seed of a failure).

const RUN = {
  seed: Number(process.env.SIGHTLINE_PROPERTY_SEED ?? 20261207),
  numRuns: Number(process.env.SIGHTLINE_PROPERTY_RUNS ?? 500),
} as const;

let rowsStored = 0;
const app = buildReceiveApp({
  sink: {
    submit: (_s, _r, rows: RowBatch) => {
      rowsStored += batchSize(rows);
      return Promise.resolve();
    },
  },
  bodyLimitBytes: 1 << 20,
  limits: DEFAULT_LIMITS,
});
afterAll(() => app.close());

const now = Date.now();
const hex = (len: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${len}}$`));
/** Mostly plausible values, sometimes anything at all. */
const or = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: fc.anything() });

const zipkinSpan = fc.record(
  {
    traceId: or(fc.oneof(hex(16), hex(32), fc.constant(''))),
    id: or(hex(16)),
    parentId: or(hex(16)),
    name: or(fc.string({ unit: 'grapheme' })),
    kind: or(fc.constantFrom('CLIENT', 'SERVER', 'PRODUCER', 'CONSUMER', 'X')),
    timestamp: or(fc.integer({ min: (now - 3_600_000) * 1000, max: now * 1000 })),
    duration: or(fc.nat()),
    localEndpoint: or(fc.record({ serviceName: fc.string({ unit: 'grapheme' }) })),
    tags: or(fc.dictionary(fc.string(), fc.string({ unit: 'grapheme' }))),
  },
  { requiredKeys: [] },
);

function stored(before: number): number {
  return rowsStored - before;
}

describe('Zipkin decoder, any input', () => {
  it('answers 2xx/4xx and stores exactly the spans it says it stored', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(zipkinSpan, { maxLength: 20 }), async (spans) => {
        const before = rowsStored;
        const res = await app.inject({
          method: 'POST',
          url: '/api/v2/spans',
          headers: { 'content-type': 'application/json' },
          payload: JSON.stringify(spans),
        });
        expect([202, 400]).toContain(res.statusCode);
        if (res.statusCode === 202) {
          expect(stored(before)).toBe(spans.length);
        } else {
          const kept = /the other (\d+) spans were stored/.exec(res.body)?.[1];
          expect(stored(before)).toBe(kept === undefined ? 0 : Number(kept));
        }
      }),
      RUN,
    );
  });

  it('answers any bytes as JSON or protobuf with 2xx/4xx', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('application/json', 'application/x-protobuf'),
        async (bytes, type) => {
          const res = await app.inject({
            method: 'POST',
            url: '/api/v2/spans',
            headers: { 'content-type': type },
            payload: Buffer.from(bytes),
          });
          expect(res.statusCode).toBeGreaterThanOrEqual(200);
          expect(res.statusCode).toBeLessThan(500);
        },
      ),
      RUN,
    );
  });
});

const label = fc.record({
  name: fc.oneof(fc.constantFrom('__name__', 'job', 'instance', 'le'), fc.string()),
  value: fc.string({ unit: 'grapheme' }),
});
const sample = fc.record({
  value: fc.double(),
  timestamp: fc.oneof(
    fc.integer({ min: now - 3_600_000, max: now }),
    fc.integer({ min: -1e15, max: 1e16 }),
  ),
});
const series = fc.record({
  labels: fc.array(label, { maxLength: 6 }),
  samples: fc.array(sample, { maxLength: 5 }),
});

const snappyWrite = (o: object) =>
  Buffer.from(compress(WriteRequest.encode(WriteRequest.fromObject(o)).finish()));
const postWrite = (payload: Buffer) =>
  app.inject({
    method: 'POST',
    url: '/api/v1/write',
    headers: { 'content-type': 'application/x-protobuf', 'content-encoding': 'snappy' },
    payload,
  });

describe('remote-write decoder, any input', () => {
  it('answers 2xx/4xx, and a 2xx stored every sample', async () => {
    await fc.assert(
      fc.asyncProperty(fc.array(series, { maxLength: 10 }), async (timeseries) => {
        const before = rowsStored;
        const res = await postWrite(snappyWrite({ timeseries }));
        expect(res.statusCode === 204 || res.statusCode === 400).toBe(true);
        const samples = timeseries.reduce((n, s) => n + s.samples.length, 0);
        if (res.statusCode === 204) expect(stored(before)).toBe(samples);
        else expect(stored(before)).toBeLessThanOrEqual(samples);
      }),
      RUN,
    );
  });

  it('answers any bytes, snappy or not, with 4xx', async () => {
    await fc.assert(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (bytes, snappy) => {
        const res = await postWrite(snappy ? Buffer.from(compress(bytes)) : Buffer.from(bytes));
        expect(res.statusCode).toBeGreaterThanOrEqual(200);
        expect(res.statusCode).toBeLessThan(500);
      }),
      RUN,
    );
  });
});
