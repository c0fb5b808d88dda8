/**
 * One OTLP/JSON export request per signal in which every field of the current
 * opentelemetry-proto release is set to a value that is not its default (non-ASCII where text),
 * so a field that is dropped anywhere between decoding and the API shows up as a difference.
 */

const kv = (m: Record<string, string>) =>
  Object.entries(m).map(([key, value]) => ({ key, value: { stringValue: value } }));

export const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
export const SPAN_ID = '00f067aa0ba902b7';
const LINKED_TRACE = '0af7651916cd43dd8448eb211c80319c';
const LINKED_SPAN = 'b7ad6b7169203331';

const resource = (service: string) => ({
  attributes: kv({ 'service.name': service, région: 'Zürich-1' }),
  droppedAttributesCount: 3,
  entityRefs: [
    {
      schemaUrl: 'https://opentelemetry.io/schemas/1.37.0',
      type: 'service',
      idKeys: ['service.name'],
      descriptionKeys: ['région'],
    },
  ],
});

const scope = {
  name: 'checkout.télémétrie',
  version: '1.2.3-β',
  attributes: kv({ 'scope.kind': 'manuel' }),
  droppedAttributesCount: 2,
};

const RESOURCE_SCHEMA = 'https://opentelemetry.io/schemas/1.36.0';
const SCOPE_SCHEMA = 'https://opentelemetry.io/schemas/1.35.0';

export function logsSample(service: string, t: bigint, traceId: string) {
  return {
    resourceLogs: [
      {
        resource: resource(service),
        schemaUrl: RESOURCE_SCHEMA,
        scopeLogs: [
          {
            scope,
            schemaUrl: SCOPE_SCHEMA,
            logRecords: [
              {
                timeUnixNano: String(t),
                observedTimeUnixNano: String(t + 7n),
                severityNumber: 18,
                severityText: 'Fehler',
                body: { stringValue: 'paiement refusé ✗' },
                attributes: kv({ 'order.id': '42', note: '' }),
                droppedAttributesCount: 1,
                flags: 1,
                traceId,
                spanId: SPAN_ID,
                eventName: 'payment.refusé',
              },
            ],
          },
        ],
      },
    ],
  };
}

export function tracesSample(service: string, t: bigint, traceId: string) {
  return {
    resourceSpans: [
      {
        resource: resource(service),
        schemaUrl: RESOURCE_SCHEMA,
        scopeSpans: [
          {
            scope,
            schemaUrl: SCOPE_SCHEMA,
            spans: [
              {
                traceId,
                spanId: SPAN_ID,
                traceState: 'vendor=wert',
                parentSpanId: 'eee19b7ec3c1b174',
                flags: 0x301,
                name: 'POST /paiement',
                kind: 2,
                startTimeUnixNano: String(t),
                endTimeUnixNano: String(t + 1_234_567n),
                attributes: kv({ 'http.route': '/paiement', empty: '' }),
                droppedAttributesCount: 4,
                events: [
                  {
                    timeUnixNano: String(t + 1000n),
                    name: 'retry №1',
                    attributes: kv({ attempt: '1' }),
                    droppedAttributesCount: 5,
                  },
                ],
                droppedEventsCount: 6,
                links: [
                  {
                    traceId: LINKED_TRACE,
                    spanId: LINKED_SPAN,
                    traceState: 'linked=ja',
                    attributes: kv({ 'link.kind': 'follows' }),
                    droppedAttributesCount: 7,
                    flags: 0x101,
                  },
                ],
                droppedLinksCount: 8,
                status: { message: 'carte refusée', code: 2 },
              },
            ],
          },
        ],
      },
    ],
  };
}

const exemplars = (t: bigint, traceId: string) => [
  {
    filteredAttributes: kv({ 'user.id': 'ü7' }),
    timeUnixNano: String(t - 10n),
    asDouble: 0.25,
    spanId: SPAN_ID,
    traceId,
  },
  {
    filteredAttributes: kv({ 'user.id': 'ü8' }),
    timeUnixNano: String(t - 20n),
    asInt: '-9007199254740991',
    spanId: LINKED_SPAN,
    traceId: LINKED_TRACE,
  },
];

const metric = (name: string, unit: string) => ({
  name,
  description: `${name} — beschreibung`,
  unit,
  metadata: kv({ 'prometheus.type': 'gauge' }),
});

/** Gauge, sum, histogram, exponential histogram, summary: the order the store is read in. */
export function metricsSample(service: string, t: bigint, traceId: string) {
  const start = String(t - 60_000_000_000n);
  const point = { attributes: kv({ 'http.method': 'GET' }), startTimeUnixNano: start };
  const numberPoints = [
    {
      ...point,
      timeUnixNano: String(t),
      asDouble: -1.5,
      exemplars: exemplars(t, traceId),
      flags: 1,
    },
    { ...point, timeUnixNano: String(t + 1n), asInt: '-42', exemplars: [], flags: 0 },
  ];
  return {
    resourceMetrics: [
      {
        resource: resource(service),
        schemaUrl: RESOURCE_SCHEMA,
        scopeMetrics: [
          {
            scope,
            schemaUrl: SCOPE_SCHEMA,
            metrics: [
              { ...metric('queue.depth', '{item}'), gauge: { dataPoints: numberPoints } },
              {
                ...metric('requests', '{request}'),
                sum: { dataPoints: numberPoints, aggregationTemporality: 1, isMonotonic: true },
              },
              {
                ...metric('latency', 's'),
                histogram: {
                  aggregationTemporality: 2,
                  dataPoints: [
                    {
                      ...point,
                      timeUnixNano: String(t),
                      count: '6',
                      sum: 2.5,
                      bucketCounts: ['1', '0', '5'],
                      explicitBounds: [0.1, 0.5],
                      exemplars: exemplars(t, traceId),
                      flags: 1,
                      min: 0.05,
                      max: 0.9,
                    },
                  ],
                },
              },
              {
                ...metric('payload', 'By'),
                exponentialHistogram: {
                  aggregationTemporality: 1,
                  dataPoints: [
                    {
                      ...point,
                      timeUnixNano: String(t),
                      count: '10',
                      sum: 123.5,
                      scale: -2,
                      zeroCount: '1',
                      positive: { offset: -3, bucketCounts: ['2', '0', '4'] },
                      negative: { offset: 5, bucketCounts: ['3'] },
                      flags: 1,
                      exemplars: exemplars(t, traceId),
                      min: -7.5,
                      max: 99,
                      zeroThreshold: 0.001,
                    },
                  ],
                },
              },
              {
                ...metric('rtt', 'ms'),
                summary: {
                  dataPoints: [
                    {
                      ...point,
                      timeUnixNano: String(t),
                      count: '4',
                      sum: 10.5,
                      quantileValues: [
                        { quantile: 0.5, value: 2 },
                        { quantile: 0.99, value: 4.5 },
                      ],
                      flags: 1,
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
