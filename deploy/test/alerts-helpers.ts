import { createServer, type IncomingHttpHeaders } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { AlertRule, AlertRuleInput } from '@sightline/model/api/alerts';
import type { RunningSightline } from '../src/all-in-one.ts';
import { nowNanos } from './harness.ts';

/** Short ticks and a short lease, so alert tests take seconds. */
export const ALERT_TEST_ENV = {
  SIGHTLINE_ALERT_TICK_MS: '250',
  SIGHTLINE_ALERT_LEASE_MS: '3000',
  SIGHTLINE_PUBLIC_URL: 'http://dashboard.test:3000',
  // The tests' receivers listen on loopback, which channels may not reach by default.
  SIGHTLINE_ALERT_ALLOWED_NETWORKS: '127.0.0.0/8',
};

export interface Received {
  readonly path: string;
  readonly headers: IncomingHttpHeaders;
  readonly body: WebhookBody;
}

/** The fields of A2's generic webhook payload these tests read. */
export interface WebhookBody {
  notificationId: string;
  status: 'firing' | 'resolved';
  repeat: boolean;
  rule: { id: string; name: string; condition: string; threshold: number };
  group: { key: string; labels: Record<string, string> };
  value: number | null;
  message: string;
  links: { dashboard: string };
}

/** A real HTTP receiver on loopback, recording every request; `status` decides each answer. */
export async function startReceiver(status: () => number = () => 200) {
  const received: Received[] = [];
  let attempts = 0;
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      attempts++;
      const code = status();
      if (code < 300) {
        received.push({
          path: req.url ?? '',
          headers: req.headers,
          body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as WebhookBody,
        });
      }
      res.statusCode = code;
      res.end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    received,
    attempts: () => attempts,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}

export async function waitFor<T>(
  what: string,
  fn: () => Promise<T | undefined | null | false> | T | undefined | null | false,
  timeoutMs = 60_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined && v !== null && v !== false) return v;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}: ${String(last)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function postOtlp(
  s: Pick<RunningSightline, 'otlpUrl'>,
  path: string,
  body: unknown,
): Promise<void> {
  const res = await fetch(`${s.otlpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`OTLP ${path}: ${res.status} ${await res.text()}`);
}

let seq = 0;
const hex = (n: number, len: number) => n.toString(16).padStart(len, '0');

/** Server spans of `service` ending now, `errors` of them with status Error. */
export async function sendSpans(
  s: RunningSightline,
  service: string,
  ok: number,
  errors: number,
): Promise<void> {
  const spans = Array.from({ length: ok + errors }, (_, i) => {
    seq++;
    return {
      traceId: hex(seq, 32),
      spanId: hex(seq, 16),
      name: 'POST /pay',
      kind: 2,
      startTimeUnixNano: nowNanos(-20),
      endTimeUnixNano: nowNanos(),
      status: i < errors ? { code: 2, message: 'boom' } : { code: 1 },
    };
  });
  await postOtlp(s, '/v1/traces', {
    resourceSpans: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeSpans: [{ spans }],
      },
    ],
  });
}

/** `count` log records of `service` at `level`, timestamped now. */
export async function sendLogs(
  s: RunningSightline,
  service: string,
  level: 'ERROR' | 'INFO',
  count: number,
  body = 'payment failed',
): Promise<void> {
  const logRecords = Array.from({ length: count }, () => ({
    timeUnixNano: nowNanos(),
    severityText: level,
    severityNumber: level === 'ERROR' ? 17 : 9,
    body: { stringValue: body },
  }));
  await postOtlp(s, '/v1/logs', {
    resourceLogs: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeLogs: [{ logRecords }],
      },
    ],
  });
}

export async function api<T>(
  s: RunningSightline,
  method: string,
  path: string,
  body?: unknown,
): Promise<{ status: number; body: T }> {
  const res = await fetch(`${s.apiUrl}/api/v1${path}`, {
    method,
    ...(body !== undefined
      ? { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }
      : {}),
  });
  const text = await res.text();
  return { status: res.status, body: (text === '' ? null : JSON.parse(text)) as T };
}

export async function createRule(s: RunningSightline, rule: AlertRuleInput): Promise<AlertRule> {
  const res = await api<AlertRule>(s, 'POST', '/alerts/rules', rule);
  if (res.status !== 201) throw new Error(`create rule: ${res.status} ${JSON.stringify(res.body)}`);
  return res.body;
}

export interface HistoryEntry {
  ruleId: string;
  groupKey: string;
  from: string;
  to: string;
  silenced: boolean;
  value: number | null;
}

/** History of one rule, oldest first. */
export async function history(s: RunningSightline, ruleId: string): Promise<HistoryEntry[]> {
  const res = await api<{ entries: HistoryEntry[] }>(
    s,
    'GET',
    `/alerts/history?ruleId=${encodeURIComponent(ruleId)}&limit=1000`,
  );
  return res.body.entries.reverse();
}

export interface AlertView {
  ruleId: string;
  groupKey: string;
  state: string;
  silenced: boolean;
  dashboardUrl: string;
  value: number | null;
}

export async function alerts(s: RunningSightline, ruleId: string): Promise<AlertView[]> {
  const res = await api<{ alerts: AlertView[] }>(
    s,
    'GET',
    `/alerts?ruleId=${encodeURIComponent(ruleId)}`,
  );
  return res.body.alerts;
}

/** Keeps calling `fn` every `everyMs` until stopped: data that keeps arriving, as in production. */
export function every(everyMs: number, fn: () => Promise<void>): () => Promise<void> {
  let stopped = false;
  const loop = (async () => {
    while (!stopped) {
      await fn();
      await sleep(everyMs);
    }
  })();
  return async () => {
    stopped = true;
    await loop;
  };
}

/** One gauge point per service, timestamped now. */
export async function sendGauge(
  s: RunningSightline,
  name: string,
  values: Readonly<Record<string, number>>,
): Promise<void> {
  await postOtlp(s, '/v1/metrics', {
    resourceMetrics: Object.entries(values).map(([service, v]) => ({
      resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
      scopeMetrics: [
        { metrics: [{ name, gauge: { dataPoints: [{ timeUnixNano: nowNanos(), asDouble: v }] } }] },
      ],
    })),
  });
}

/** A `circuit_breaker.state` point (0 closed, 1 half-open, 2 open) as the SDK reports it. */
export async function sendBreakerState(
  s: Pick<RunningSightline, 'otlpUrl'>,
  service: string,
  breaker: string,
  state: number,
  atMs?: number,
): Promise<void> {
  const attributes = [{ key: 'circuit_breaker.name', value: { stringValue: breaker } }];
  await postOtlp(s, '/v1/metrics', {
    resourceMetrics: [
      {
        resource: { attributes: [{ key: 'service.name', value: { stringValue: service } }] },
        scopeMetrics: [
          {
            scope: { name: '@sightline/sdk' },
            metrics: [
              {
                name: 'circuit_breaker.state',
                gauge: {
                  dataPoints: [
                    {
                      timeUnixNano:
                        atMs === undefined ? nowNanos() : (BigInt(atMs) * 1_000_000n).toString(),
                      asDouble: state,
                      attributes,
                    },
                  ],
                },
              },
            ],
          },
        ],
      },
    ],
  });
}
