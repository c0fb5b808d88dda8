/** Shared by the browser tests and the render benchmark: a headless Chromium and OTLP data. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

export const CHROMIUM = process.env.SIGHTLINE_CHROMIUM ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

export interface Browser {
  readonly ctx: BrowserContext;
  readonly page: Page;
  close(): Promise<void>;
}

export async function launchBrowser(): Promise<Browser> {
  const dir = mkdtempSync(join(tmpdir(), 'sightline-chromium-'));
  const ctx = await chromium.launchPersistentContext(dir, {
    executablePath: CHROMIUM,
    headless: true,
    args: FLAGS,
    viewport: { width: 1400, height: 900 },
  });
  const page = ctx.pages()[0] ?? (await ctx.newPage());
  // Generous: other processes may share the two cores.
  page.setDefaultTimeout(30_000);
  return {
    ctx,
    page,
    close: async () => {
      await ctx.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export const hex = (n: number, len: number): string => n.toString(16).padStart(len, '0');
export const str = (key: string, v: string) => ({ key, value: { stringValue: v } });
export const resource = (service: string, extra: ReturnType<typeof str>[] = []) => ({
  attributes: [str('service.name', service), str('deployment.environment', 'e2e'), ...extra],
});
/** Nanoseconds of `base + offsetMs`: one base per run keeps separately sent spans aligned. */
export const nanos = (base: number, offsetMs: number): string =>
  (BigInt(Math.round(base + offsetMs)) * 1_000_000n).toString();

export async function postOtlp(otlpUrl: string, path: string, body: unknown): Promise<void> {
  const res = await fetch(`${otlpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  if (res.status !== 200) throw new Error(`POST ${path}: ${res.status} ${await res.text()}`);
}

export interface SpanSpec {
  readonly traceId: string;
  readonly spanId: string;
  readonly parentSpanId?: string;
  readonly name: string;
  readonly kind: number;
  readonly startMs: number;
  readonly durMs: number;
  readonly error?: string;
  readonly attributes?: ReturnType<typeof str>[];
}

export function tracesBody(base: number, service: string, spans: readonly SpanSpec[]) {
  return {
    resourceSpans: [
      {
        resource: resource(service),
        scopeSpans: [
          {
            scope: { name: 'e2e' },
            spans: spans.map((x) => ({
              traceId: x.traceId,
              spanId: x.spanId,
              parentSpanId: x.parentSpanId ?? '',
              name: x.name,
              kind: x.kind,
              startTimeUnixNano: nanos(base, x.startMs),
              endTimeUnixNano: nanos(base, x.startMs + x.durMs),
              attributes: x.attributes ?? [],
              status: x.error ? { code: 2, message: x.error } : { code: 1 },
            })),
          },
        ],
      },
    ],
  };
}

/** A 10,001-span trace five minutes before `base`: a root fanning out to 100 chains of 100. */
export async function sendBigTrace(otlpUrl: string, base: number, traceId: string): Promise<void> {
  const big: SpanSpec[] = [
    { traceId, spanId: hex(1, 16), name: 'batch', kind: 2, startMs: -5 * 60_000, durMs: 5000 },
  ];
  for (let c = 0; c < 100; c++) {
    let parent = hex(1, 16);
    for (let d = 0; d < 100; d++) {
      const id = hex(0x100000 + c * 1000 + d, 16);
      big.push({
        traceId,
        spanId: id,
        parentSpanId: parent,
        name: `step ${c}.${d}`,
        kind: 1,
        startMs: -5 * 60_000 + c * 40 + d,
        durMs: 30,
      });
      parent = id;
    }
  }
  for (let i = 0; i < big.length; i += 2500)
    await postOtlp(otlpUrl, '/v1/traces', tracesBody(base, 'batcher', big.slice(i, i + 2500)));
}

/**
 * `count` logs from `service`, one every `everyMs` going back from `base`, body `<prefix> <i>`,
 * with a `worker` log attribute (w0–w3) and a `region` resource attribute.
 */
export async function sendLogs(
  otlpUrl: string,
  base: number,
  opts: { service: string; count: number; everyMs: number; prefix: string; region?: string },
): Promise<void> {
  for (let i0 = 0; i0 < opts.count; i0 += 2000) {
    const records = [];
    for (let i = i0; i < Math.min(i0 + 2000, opts.count); i++) {
      const warn = i % 10 === 0;
      records.push({
        timeUnixNano: nanos(base, -i * opts.everyMs),
        severityNumber: warn ? 13 : 9,
        severityText: warn ? 'WARN' : 'INFO',
        body: { stringValue: `${opts.prefix} ${i}` },
        attributes: [str('worker', `w${i % 4}`)],
      });
    }
    await postOtlp(otlpUrl, '/v1/logs', {
      resourceLogs: [
        {
          resource: resource(opts.service, [str('region', opts.region ?? 'eu-west')]),
          scopeLogs: [{ scope: { name: 'e2e' }, logRecords: records }],
        },
      ],
    });
  }
}

/** A gauge of one value from `service`, one point every 30 s for the 10 min before `base`. */
export async function sendGauge(
  otlpUrl: string,
  base: number,
  service: string,
  metric: { name: string; unit: string; description: string },
  value: number,
): Promise<void> {
  const dataPoints = Array.from({ length: 20 }, (_, i) => ({
    timeUnixNano: nanos(base, -i * 30_000),
    asDouble: value,
  }));
  await postOtlp(otlpUrl, '/v1/metrics', {
    resourceMetrics: [
      {
        resource: resource(service),
        scopeMetrics: [{ scope: { name: 'e2e' }, metrics: [{ ...metric, gauge: { dataPoints } }] }],
      },
    ],
  });
}

/** A dashboard panel (a grid item) by its title. */
export const gridPanel = (page: Page, title: string): Locator =>
  page.locator('.react-grid-item').filter({ has: page.getByRole('heading', { name: title }) });

/** GET `/api/v1<path>` of a running Sightline, which must answer 200. */
export async function apiJson<T>(apiUrl: string, path: string): Promise<T> {
  const res = await fetch(`${apiUrl}/api/v1${path}`);
  if (res.status !== 200) throw new Error(`GET ${path}: ${res.status} ${await res.text()}`);
  return (await res.json()) as T;
}
