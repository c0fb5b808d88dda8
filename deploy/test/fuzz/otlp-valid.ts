import { REQUEST_TYPES, type Signal } from '@sightline/collector/otlp/proto';
import type { Prng } from './prng.ts';

/**
 * Valid OTLP requests with every kind of field filled in (the seed corpus the mutators start
 * from). `ids` picks the id form: Buffers for protobuf, hex strings for OTLP/JSON.
 */
type Ids = 'bytes' | 'hex';

const nanosNow = (offsetMs = 0): string => (BigInt(Date.now() + offsetMs) * 1_000_000n).toString();

const id = (rng: Prng, n: number, ids: Ids): Buffer | string => {
  const b = rng.bytes(n);
  b[0] = b[0]! | 1; // never all zeros, which a valid id cannot be
  return ids === 'bytes' ? b : b.toString('hex');
};

const kv = (key: string, value: object) => ({ key, value });

function attrs(rng: Prng): object[] {
  return [
    kv('http.method', { stringValue: rng.pick(['GET', 'POST', 'PUT']) }),
    kv('http.status_code', { intValue: String(200 + rng.int(400)) }),
    kv('ratio', { doubleValue: rng.next() }),
    kv('cached', { boolValue: rng.chance(0.5) }),
    kv('tags', { arrayValue: { values: [{ stringValue: 'a' }, { intValue: '2' }] } }),
    kv('nested', { kvlistValue: { values: [kv('inner', { stringValue: 'x' })] } }),
  ];
}

const resource = (service: string, rng: Prng) => ({
  attributes: [kv('service.name', { stringValue: service }), ...attrs(rng).slice(0, 2)],
});

export function validRequest(signal: Signal, service: string, rng: Prng, ids: Ids): object {
  const scope = { name: 'fuzz', version: '1.0' };
  if (signal === 'traces') {
    const traceId = id(rng, 16, ids);
    return {
      resourceSpans: [
        {
          resource: resource(service, rng),
          scopeSpans: [
            {
              scope,
              spans: Array.from({ length: 1 + rng.int(4) }, (_, i) => ({
                traceId,
                spanId: id(rng, 8, ids),
                ...(i > 0 ? { parentSpanId: id(rng, 8, ids) } : {}),
                name: `op-${i}`,
                kind: 1 + rng.int(5),
                startTimeUnixNano: nanosNow(-20),
                endTimeUnixNano: nanosNow(),
                attributes: attrs(rng),
                events: [
                  { timeUnixNano: nanosNow(-10), name: 'evt', attributes: attrs(rng).slice(0, 2) },
                ],
                links: [{ traceId: id(rng, 16, ids), spanId: id(rng, 8, ids) }],
                status: { code: rng.int(3), message: 'm' },
              })),
            },
          ],
        },
      ],
    };
  }
  if (signal === 'logs') {
    return {
      resourceLogs: [
        {
          resource: resource(service, rng),
          scopeLogs: [
            {
              scope,
              logRecords: Array.from({ length: 1 + rng.int(4) }, () => ({
                timeUnixNano: nanosNow(),
                observedTimeUnixNano: nanosNow(),
                severityNumber: 1 + rng.int(24),
                severityText: 'INFO',
                body: rng.chance(0.5)
                  ? { stringValue: 'hello fuzz' }
                  : { kvlistValue: { values: [kv('msg', { stringValue: 'structured' })] } },
                attributes: attrs(rng),
                traceId: id(rng, 16, ids),
                spanId: id(rng, 8, ids),
              })),
            },
          ],
        },
      ],
    };
  }
  const point = () => ({
    timeUnixNano: nanosNow(),
    startTimeUnixNano: nanosNow(-1000),
    attributes: attrs(rng).slice(0, 3),
  });
  return {
    resourceMetrics: [
      {
        resource: resource(service, rng),
        scopeMetrics: [
          {
            scope,
            metrics: [
              { name: 'g', gauge: { dataPoints: [{ ...point(), asDouble: rng.next() }] } },
              {
                name: 's',
                sum: {
                  aggregationTemporality: 2,
                  isMonotonic: true,
                  dataPoints: [{ ...point(), asInt: String(rng.int(1000)) }],
                },
              },
              {
                name: 'h',
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...point(),
                      count: '3',
                      sum: 6,
                      bucketCounts: ['1', '1', '1'],
                      explicitBounds: [1, 2],
                    },
                  ],
                },
              },
              {
                name: 'e',
                exponentialHistogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...point(),
                      count: '2',
                      sum: 3,
                      scale: 1,
                      zeroCount: '0',
                      positive: { offset: 0, bucketCounts: ['1', '1'] },
                    },
                  ],
                },
              },
              {
                name: 'q',
                summary: {
                  dataPoints: [
                    {
                      ...point(),
                      count: '2',
                      sum: 3,
                      quantileValues: [{ quantile: 0.5, value: 1.5 }],
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  };
}

/** Encoded with the protobufjs types generated from opentelemetry-proto (the decoder's own). */
export function validProtobuf(signal: Signal, service: string, rng: Prng): Buffer {
  const type = REQUEST_TYPES[signal];
  return Buffer.from(
    type.encode(type.fromObject(validRequest(signal, service, rng, 'bytes'))).finish(),
  );
}

export const validJson = (signal: Signal, service: string, rng: Prng): Buffer =>
  Buffer.from(JSON.stringify(validRequest(signal, service, rng, 'hex')));
