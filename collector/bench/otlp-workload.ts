import { REQUEST_TYPES } from '../src/otlp/proto.ts';

/** A realistic mix: a few services, many operations, HTTP/DB attributes, some errors and events. */
const SERVICES = [
  'gateway',
  'catalog',
  'cart',
  'checkout',
  'payments',
  'shipping',
  'users',
  'search',
];
const OPS = [
  'GET /products',
  'GET /cart',
  'POST /checkout',
  'SELECT orders',
  'charge',
  'publish order',
  'GET /user',
  'search',
];

const str = (key: string, value: string) => ({ key, value: { stringValue: value } });
const int = (key: string, value: number) => ({ key, value: { intValue: value } });

function resource(service: string) {
  return {
    attributes: [
      str('service.name', service),
      str('service.version', '1.4.2'),
      str('deployment.environment', 'production'),
      str('host.name', `${service}-7d9f8-${service.length}`),
      str('telemetry.sdk.language', 'nodejs'),
    ],
  };
}

let counter = 0;
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0').slice(-len);

export function traceRequest(spansPerRequest: number, startNanos: bigint) {
  const service = SERVICES[counter % SERVICES.length]!;
  const spans = [];
  for (let i = 0; i < spansPerRequest; i++) {
    const n = ++counter;
    const traceNo = Math.floor(n / 8);
    const start = startNanos + BigInt(n) * 1000n;
    const error = n % 50 === 0;
    spans.push({
      traceId: Buffer.from(hex(traceNo, 16) + 'a1b2c3d4e5f60718', 'hex'),
      spanId: Buffer.from(hex(n, 16), 'hex'),
      parentSpanId: n % 8 === 0 ? Buffer.alloc(0) : Buffer.from(hex(n - 1, 16), 'hex'),
      name: OPS[n % OPS.length]!,
      kind: (n % 3) + 1,
      startTimeUnixNano: start.toString(),
      endTimeUnixNano: (start + BigInt(1_000_000 + (n % 997) * 10_000)).toString(),
      attributes: [
        str('http.method', n % 4 === 0 ? 'POST' : 'GET'),
        str('http.route', OPS[n % OPS.length]!),
        int('http.status_code', error ? 500 : 200),
        str('net.peer.name', SERVICES[(n + 1) % SERVICES.length]!),
        str('user.id', `u-${n % 5000}`),
        int('response.size', (n * 37) % 20000),
      ],
      events: error
        ? [
            {
              timeUnixNano: start.toString(),
              name: 'exception',
              attributes: [str('exception.message', 'boom')],
            },
          ]
        : [],
      status: { code: error ? 2 : 0, message: error ? 'internal error' : '' },
    });
  }
  return {
    resourceSpans: [
      {
        resource: resource(service),
        scopeSpans: [{ scope: { name: 'bench', version: '1' }, spans }],
      },
    ],
  };
}

export function logRequest(recordsPerRequest: number, startNanos: bigint) {
  const service = SERVICES[counter % SERVICES.length]!;
  const logRecords = [];
  for (let i = 0; i < recordsPerRequest; i++) {
    const n = ++counter;
    logRecords.push({
      timeUnixNano: (startNanos + BigInt(n) * 1000n).toString(),
      severityNumber: n % 20 === 0 ? 17 : 9,
      severityText: n % 20 === 0 ? 'ERROR' : 'INFO',
      body: { stringValue: `request ${n} served for user u-${n % 5000} in ${n % 300} ms` },
      traceId: Buffer.from(hex(Math.floor(n / 8), 16) + 'a1b2c3d4e5f60718', 'hex'),
      spanId: Buffer.from(hex(n, 16), 'hex'),
      attributes: [
        str('logger', 'http'),
        int('duration_ms', n % 300),
        str('route', OPS[n % OPS.length]!),
      ],
    });
  }
  return {
    resourceLogs: [
      { resource: resource(service), scopeLogs: [{ scope: { name: 'pino' }, logRecords }] },
    ],
  };
}

const toJsonIds = (_k: string, v: unknown): unknown => {
  // OTLP/JSON carries ids as hex strings rather than base64 bytes.
  if (v && typeof v === 'object' && (v as { type?: string }).type === 'Buffer') {
    return Buffer.from((v as { data: number[] }).data).toString('hex');
  }
  return v;
};

export function encode(
  signal: 'traces' | 'logs',
  req: object,
  encoding: 'protobuf' | 'json',
): Buffer {
  if (encoding === 'json') return Buffer.from(JSON.stringify(req, toJsonIds));
  const type = REQUEST_TYPES[signal];
  return Buffer.from(type.encode(type.fromObject(req)).finish());
}
