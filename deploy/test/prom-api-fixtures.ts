import { compress } from 'snappyjs';
import { WriteRequest } from '@sightline/collector/prom/remote-write-proto';
import type { RunningSightline } from '../src/all-in-one.ts';

/**
 * Known series for the Prometheus API tests (API, Grafana replay, promtool): some remote-written
 * (names and labels kept), some sent as OTLP (names as the OTel Prometheus exporter gives them).
 * Samples every 15 s over ten minutes ending at `END`, a whole minute in the past.
 */

export const STEP_MS = 15_000;
export const END = Math.floor((Date.now() - 60_000) / 60_000) * 60_000;
export const START = END - 10 * 60_000;
export const TIMES = Array.from(
  { length: (END - START) / STEP_MS + 1 },
  (_, k) => START + k * STEP_MS,
);

/** A counter of 10 requests per 15 s (code 200) and 1 per 15 s (code 500): rates 2/3 and 1/15. */
export const requestsAt = (code: '200' | '500', k: number): number => (code === '200' ? 10 : 1) * k;
/** A gauge with a zero, a negative, a fraction, NaN and a non-ASCII label value. */
export const TEMPERATURES = [21.5, 0, -3.25, Number.NaN, 1e21];
export const temperatureAt = (k: number): number => TEMPERATURES[k % TEMPERATURES.length]!;

export const TRACE_ID = '5b8efff798038103d269b633813fc60c';
export const SPAN_ID = 'eee19b7ec3c1b174';

const label = (name: string, value: string) => ({ name, value });

async function remoteWrite(s: RunningSightline, auth: Record<string, string>): Promise<void> {
  const series = (labels: [string, string][], value: (k: number) => number) => ({
    labels: labels.map(([n, v]) => label(n, v)),
    samples: TIMES.map((t, k) => ({ value: value(k), timestamp: String(t) })),
  });
  const message = WriteRequest.fromObject({
    timeseries: [
      series(
        [
          ['__name__', 'sl_requests_total'],
          ['job', 'shop'],
          ['instance', 'shop-1:9100'],
          ['code', '200'],
        ],
        (k) => requestsAt('200', k),
      ),
      series(
        [
          ['__name__', 'sl_requests_total'],
          ['job', 'shop'],
          ['instance', 'shop-1:9100'],
          ['code', '500'],
        ],
        (k) => requestsAt('500', k),
      ),
      series(
        [
          ['__name__', 'sl_temperature_celsius'],
          ['job', 'shop'],
          ['instance', 'shop-1:9100'],
          ['room', 'café ☕'],
        ],
        temperatureAt,
      ),
    ],
    metadata: [
      {
        type: 'COUNTER',
        metricFamilyName: 'sl_requests_total',
        help: 'Requests served.',
        unit: '',
      },
      {
        type: 'GAUGE',
        metricFamilyName: 'sl_temperature_celsius',
        help: 'Room temperature.',
        unit: 'celsius',
      },
    ],
  });
  const res = await fetch(`${s.otlpUrl}/api/v1/write`, {
    method: 'POST',
    headers: {
      'content-type': 'application/x-protobuf',
      'content-encoding': 'snappy',
      'x-prometheus-remote-write-version': '0.1.0',
      ...auth,
    },
    body: Buffer.from(compress(WriteRequest.encode(message).finish())),
  });
  if (res.status !== 204 && res.status !== 200) {
    throw new Error(`remote write: ${res.status} ${await res.text()}`);
  }
}

const ns = (ms: number): string => (BigInt(ms) * 1_000_000n).toString();
const attrs = (a: Record<string, string>) =>
  Object.entries(a).map(([key, v]) => ({ key, value: { stringValue: v } }));

/** `queue.depth` (unit `{item}`) of service worker: `queue_depth{job="worker",instance="w-1",queue="mail"}`. */
export const queueDepthAt = (k: number): number => k % 4;

async function sendOtlp(s: RunningSightline, auth: Record<string, string>): Promise<void> {
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: attrs({ 'service.name': 'worker', 'service.instance.id': 'w-1' }) },
        scopeMetrics: [
          {
            scope: { name: 'fixtures' },
            metrics: [
              {
                name: 'queue.depth',
                unit: '{item}',
                description: 'Jobs waiting.',
                gauge: {
                  dataPoints: TIMES.map((t, k) => ({
                    attributes: attrs({ queue: 'mail' }),
                    timeUnixNano: ns(t),
                    asInt: String(queueDepthAt(k)),
                    // One exemplar, on the last point: the trace that saw the queue at its depth.
                    ...(k === TIMES.length - 1
                      ? {
                          exemplars: [
                            {
                              timeUnixNano: ns(t - 1000),
                              asDouble: 3,
                              traceId: TRACE_ID,
                              spanId: SPAN_ID,
                              filteredAttributes: attrs({ worker: 'w-1' }),
                            },
                          ],
                        }
                      : {}),
                  })),
                },
              },
            ],
          },
        ],
      },
    ],
  };
  await postOtlp(s, auth, body);
}

/**
 * One OTLP histogram point of service `api` at END (bounds 10 and 100 ms, counts 1, 2, 3) with an
 * exemplar of 42 ms: `http_server_duration_milliseconds_bucket{job="api",le="100"}` holds it.
 */
async function sendHistogram(s: RunningSightline, auth: Record<string, string>): Promise<void> {
  const point = {
    startTimeUnixNano: ns(START),
    timeUnixNano: ns(END),
    count: '6',
    sum: 400,
    bucketCounts: ['1', '2', '3'],
    explicitBounds: [10, 100],
    exemplars: [{ timeUnixNano: ns(END - 2000), asDouble: 42, traceId: TRACE_ID, spanId: SPAN_ID }],
  };
  const body = {
    resourceMetrics: [
      {
        resource: { attributes: attrs({ 'service.name': 'api' }) },
        scopeMetrics: [
          {
            scope: { name: 'fixtures' },
            metrics: [
              {
                name: 'http.server.duration',
                unit: 'ms',
                histogram: { aggregationTemporality: 2, dataPoints: [point] },
              },
            ],
          },
        ],
      },
    ],
  };
  await postOtlp(s, auth, body);
}

async function postOtlp(s: RunningSightline, auth: Record<string, string>, body: unknown) {
  const res = await fetch(`${s.otlpUrl}/v1/metrics`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...auth },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`OTLP: ${res.status} ${await res.text()}`);
}

/** Stores every fixture series (with an ingest key when auth is on); answered once stored. */
export async function storeFixtures(s: RunningSightline, ingestKey?: string): Promise<void> {
  const auth: Record<string, string> = ingestKey ? { authorization: `Bearer ${ingestKey}` } : {};
  await remoteWrite(s, auth);
  await sendOtlp(s, auth);
  await sendHistogram(s, auth);
}

/**
 * A key with `scopes`, made the way a new user makes the first one: sign in as the admin
 * (SIGHTLINE_ADMIN_PASSWORD), then POST /api/v1/keys with the session and its CSRF token.
 */
export async function adminMadeKey(
  s: RunningSightline,
  password: string,
  scopes: readonly string[],
): Promise<string> {
  const signIn = await fetch(`${s.apiUrl}/api/v1/auth/sign-in`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ name: 'admin', password }),
  });
  if (signIn.status !== 200) throw new Error(`sign-in: ${signIn.status} ${await signIn.text()}`);
  const { csrfToken } = (await signIn.json()) as { csrfToken: string };
  const cookie = signIn.headers
    .getSetCookie()
    .map((c) => c.split(';')[0])
    .join('; ');
  const res = await fetch(`${s.apiUrl}/api/v1/keys`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie, 'x-csrf-token': csrfToken },
    body: JSON.stringify({ name: `test ${scopes.join('+')}`, scopes }),
  });
  if (res.status !== 201) throw new Error(`new key: ${res.status} ${await res.text()}`);
  return ((await res.json()) as { key: string }).key;
}
