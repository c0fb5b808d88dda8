import fc from 'fast-check';
import { compress } from 'snappyjs';
import { batchSize, type RowBatch } from '@sightline/model/rows';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { WriteRequest } from '../prom/remote-write-proto.ts';
import { buildReceiveApp } from './app.ts';

// Property-based checks of the Zipkin and remote-write decoders through the receive app: for any
// body, the answer is 2xx or 4xx (never a 5xx or a crash), and what the answer says was stored is
// exactly what reached the sink. Run by decoders.property.test.ts in a worker thread it can end,
// since a decoder stuck in synchronous code would stop any timer in its own thread.

export interface PropertyRun {
  seed: number;
  numRuns: number;
  /** Called with each input (as JSON or hex) before the app sees it. */
  onInput: (input: string) => void;
}

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

const now = Date.now();
const hex = (len: number) => fc.stringMatching(new RegExp(`^[0-9a-f]{${len}}$`));
/** Mostly plausible values, sometimes anything at all. */
const or = <T>(plausible: fc.Arbitrary<T>) =>
  fc.oneof({ weight: 4, arbitrary: plausible }, { weight: 1, arbitrary: fc.anything() });
const int32 = fc.integer({ min: -(2 ** 31), max: 2 ** 31 - 1 });

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

const label = fc.record({
  name: fc.oneof(fc.constantFrom('__name__', 'job', 'instance', 'le'), fc.string()),
  value: fc.string({ unit: 'grapheme' }),
});
const timestamp = fc.oneof(
  fc.integer({ min: now - 3_600_000, max: now }),
  fc.integer({ min: -1e15, max: 1e16 }),
);
const sample = fc.record({ value: fc.double(), timestamp });
// Native histograms, with bucket spans from plausible to the widest a sint32 can claim.
const bucketSpan = fc.record({
  offset: fc.oneof(fc.integer({ min: -3, max: 3 }), int32),
  length: fc.oneof(fc.nat(4), fc.nat()),
});
const spans = fc.array(bucketSpan, { maxLength: 4 });
const histogram = fc.oneof(
  fc.record({
    countInt: fc.nat(),
    schema: fc.integer({ min: -5, max: 9 }),
    sum: fc.double(),
    positiveSpans: spans,
    positiveDeltas: fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 8 }),
    negativeSpans: spans,
    negativeDeltas: fc.array(fc.integer({ min: -3, max: 3 }), { maxLength: 8 }),
    timestamp,
  }),
  fc.record({
    countFloat: fc.double(),
    schema: fc.integer({ min: -5, max: 9 }),
    positiveSpans: spans,
    positiveCounts: fc.array(fc.double(), { maxLength: 8 }),
    timestamp,
  }),
);
const series = fc.record({
  labels: fc.array(label, { maxLength: 6 }),
  samples: fc.array(sample, { maxLength: 5 }),
  histograms: fc.array(histogram, { maxLength: 3 }),
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
const postSpans = (type: string, payload: Buffer | string) =>
  app.inject({ method: 'POST', url: '/api/v2/spans', headers: { 'content-type': type }, payload });

function expect(ok: boolean, what: string): void {
  if (!ok) throw new Error(what);
}
const expect2xx4xx = (status: number) =>
  expect(status >= 200 && status < 500, `answered ${status}, not 2xx/4xx`);

const check = <T extends unknown[]>(property: fc.IAsyncPropertyWithHooks<T>, run: PropertyRun) =>
  fc.assert(property, { seed: run.seed, numRuns: run.numRuns });

/** Each property by name; a failure rejects with fast-check's report (seed, shrunk input). */
export const DECODER_PROPERTIES = {
  'Zipkin JSON spans: 2xx/4xx, storing exactly the spans it says it stored': (run: PropertyRun) =>
    check(
      fc.asyncProperty(fc.array(zipkinSpan, { maxLength: 20 }), async (spans) => {
        const payload = JSON.stringify(spans);
        run.onInput(payload);
        const before = rowsStored;
        const res = await postSpans('application/json', payload);
        expect(res.statusCode === 202 || res.statusCode === 400, `answered ${res.statusCode}`);
        const kept = /the other (\d+) spans were stored/.exec(res.body)?.[1];
        const said = res.statusCode === 202 ? spans.length : Number(kept ?? 0);
        expect(rowsStored - before === said, `stored ${rowsStored - before}, said ${said}`);
      }),
      run,
    ),
  'Zipkin, any bytes as JSON or protobuf: 2xx/4xx': (run: PropertyRun) =>
    check(
      fc.asyncProperty(
        fc.uint8Array({ maxLength: 2048 }),
        fc.constantFrom('application/json', 'application/x-protobuf'),
        async (bytes, type) => {
          run.onInput(`${type} ${Buffer.from(bytes).toString('hex')}`);
          expect2xx4xx((await postSpans(type, Buffer.from(bytes))).statusCode);
        },
      ),
      run,
    ),
  'remote write series and native histograms: 204 stores every point, 400 no more': (
    run: PropertyRun,
  ) =>
    check(
      fc.asyncProperty(fc.array(series, { maxLength: 10 }), async (timeseries) => {
        run.onInput(JSON.stringify(timeseries));
        const before = rowsStored;
        const res = await postWrite(snappyWrite({ timeseries }));
        expect(res.statusCode === 204 || res.statusCode === 400, `answered ${res.statusCode}`);
        const points = timeseries.reduce((n, s) => n + s.samples.length + s.histograms.length, 0);
        const stored = rowsStored - before;
        if (res.statusCode === 204) expect(stored === points, `stored ${stored} of ${points}`);
        else expect(stored <= points, `stored ${stored}, more than the ${points} sent`);
      }),
      run,
    ),
  'remote write, any bytes, snappy or not: 2xx/4xx': (run: PropertyRun) =>
    check(
      fc.asyncProperty(fc.uint8Array({ maxLength: 2048 }), fc.boolean(), async (bytes, snappy) => {
        const body = snappy ? Buffer.from(compress(bytes)) : Buffer.from(bytes);
        run.onInput(body.toString('hex'));
        expect2xx4xx((await postWrite(body)).statusCode);
      }),
      run,
    ),
} as const;

export type DecoderProperty = keyof typeof DECODER_PROPERTIES;

export function runDecoderProperty(name: DecoderProperty, run: PropertyRun): Promise<void> {
  return DECODER_PROPERTIES[name](run);
}
