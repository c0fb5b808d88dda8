/**
 * Valid OTLP/JSON traffic whose every item can be counted back from the store: each request is
 * numbered, each item carries its request number, and ids are unique per (run, request, index).
 */

const nanosNow = (offsetMs = 0): string => (BigInt(Date.now() + offsetMs) * 1_000_000n).toString();
const hex = (n: number, width: number): string => n.toString(16).padStart(width, '0');

export type LoadSignal = 'traces' | 'logs';

/** `service` is the marker: the stored rows of this run are those with this ServiceName. */
export function loadRequest(
  signal: LoadSignal,
  service: string,
  requestNo: number,
  items: number,
): string {
  const resource = {
    attributes: [{ key: 'service.name', value: { stringValue: service } }],
  };
  const attrs = (i: number) => [
    { key: 'load.req', value: { intValue: String(requestNo) } },
    { key: 'load.item', value: { intValue: String(i) } },
  ];
  if (signal === 'traces') {
    return JSON.stringify({
      resourceSpans: [
        {
          resource,
          scopeSpans: [
            {
              spans: Array.from({ length: items }, (_, i) => ({
                traceId: `${hex(requestNo, 16)}${'5'.repeat(16)}`,
                spanId: `${hex(requestNo, 10)}${hex(i, 6)}`,
                name: 'load',
                kind: 2,
                startTimeUnixNano: nanosNow(-3),
                endTimeUnixNano: nanosNow(),
                attributes: attrs(i),
              })),
            },
          ],
        },
      ],
    });
  }
  return JSON.stringify({
    resourceLogs: [
      {
        resource,
        scopeLogs: [
          {
            logRecords: Array.from({ length: items }, (_, i) => ({
              timeUnixNano: nanosNow(),
              severityNumber: 9,
              severityText: 'INFO',
              body: { stringValue: `load ${requestNo}/${i}` },
              attributes: attrs(i),
            })),
          },
        ],
      },
    ],
  });
}

export interface SendOutcome {
  /** The final answer: 200 once accepted; anything else only when `giveUpAfterMs` ran out. */
  readonly status: number;
  /** Every status seen, retries included. */
  readonly statuses: number[];
}

/**
 * An OTLP exporter as the specification describes it: on 429/502/503/504 wait Retry-After (or a
 * second) and send the same body again; any other answer is final. A network error (the server
 * died) is final too, recorded as status 0.
 */
export async function sendWithRetry(
  url: string,
  body: string,
  opts: { giveUpAfterMs?: number; signal?: AbortSignal } = {},
): Promise<SendOutcome> {
  const statuses: number[] = [];
  const deadline = Date.now() + (opts.giveUpAfterMs ?? 300_000);
  for (;;) {
    let res: Response;
    try {
      res = await fetch(url, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body,
        ...(opts.signal ? { signal: opts.signal } : {}),
      });
      await res.arrayBuffer();
    } catch {
      statuses.push(0);
      return { status: 0, statuses };
    }
    statuses.push(res.status);
    if (![429, 502, 503, 504].includes(res.status) || Date.now() > deadline) {
      return { status: res.status, statuses };
    }
    const wait = Number(res.headers.get('retry-after') ?? '1');
    await new Promise((r) => setTimeout(r, (Number.isFinite(wait) ? wait : 1) * 1000));
  }
}

/** Rows stored per request number for a load service, from any SQL runner. */
export const storedPerRequestSql = (signal: LoadSignal, database = 'sightline'): string =>
  signal === 'traces'
    ? `SELECT SpanAttributes['load.req'] AS req, count() AS n, uniqExact(SpanId) AS distinct
       FROM ${database}.otel_traces WHERE ServiceName = {service:String} GROUP BY req`
    : `SELECT LogAttributes['load.req'] AS req, count() AS n, uniqExact(LogAttributes['load.item']) AS distinct
       FROM ${database}.otel_logs WHERE ServiceName = {service:String} GROUP BY req`;
