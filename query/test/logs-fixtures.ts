import { expect } from 'vitest';
import type { LogRecord, LogSearchResponse } from '@sightline/model/api/logs';
import { sightline } from './use-sightline.ts';

/**
 * Shared by the logs API tests: logs go in through the OTLP/HTTP endpoint, answers come out of
 * /api/v1/logs*. Every test writes into its own 10-minute window (hour-aligned, a few hours ago)
 * and queries exactly that window, so tests never see each other's rows.
 */

export const MIN = 60_000;
export const BASE = Math.floor((Date.now() - 4 * 3_600_000) / 3_600_000) * 3_600_000;
// 10-minute windows 20 minutes apart: rows a test places just outside its window stay in the gap.
export const windowOf = (k: number) => ({
  from: BASE + k * 20 * MIN,
  to: BASE + (k * 20 + 10) * MIN,
});
export const ns = (ms: number, extraNs = 0n): bigint => BigInt(ms) * 1_000_000n + extraNs;
export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface LogSpec {
  ts: bigint;
  body: string;
  service?: string;
  sev?: number;
  text?: string;
  attrs?: Record<string, string>;
  resource?: Record<string, string>;
  traceId?: string;
  spanId?: string;
  eventName?: string;
  scope?: { name: string; version?: string };
}

export const kv = (m: Record<string, string>) =>
  Object.entries(m).map(([key, value]) => ({ key, value: { stringValue: value } }));

/** One OTLP/JSON request; each log gets its own resource block, so services and resources mix. */
export async function send(logs: LogSpec[]): Promise<void> {
  const body = {
    resourceLogs: logs.map((l) => ({
      resource: {
        attributes: kv({ ...(l.service ? { 'service.name': l.service } : {}), ...l.resource }),
      },
      scopeLogs: [
        {
          scope: l.scope ?? { name: 'logs-int-test' },
          logRecords: [
            {
              timeUnixNano: l.ts.toString(),
              severityNumber: l.sev ?? 0,
              severityText: l.text ?? '',
              body: { stringValue: l.body },
              attributes: kv(l.attrs ?? {}),
              ...(l.traceId ? { traceId: l.traceId } : {}),
              ...(l.spanId ? { spanId: l.spanId } : {}),
              ...(l.eventName !== undefined ? { eventName: l.eventName } : {}),
            },
          ],
        },
      ],
    })),
  };
  const res = await fetch(`${sightline().otlpUrl}/v1/logs`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.clone().text()).toBe(200);
  expect(await res.json()).toEqual({});
}

export type Params = Record<string, string | number | undefined>;

export async function get<T>(
  path: string,
  params: Params = {},
): Promise<{ status: number; body: T }> {
  const url = new URL(`${sightline().apiUrl}/api/v1${path}`);
  for (const [k, v] of Object.entries(params))
    if (v !== undefined) url.searchParams.set(k, String(v));
  const res = await fetch(url);
  return { status: res.status, body: (await res.json()) as T };
}

export async function search(params: Params): Promise<LogSearchResponse> {
  const r = await get<LogSearchResponse>('/logs', params);
  expect(r.status, JSON.stringify(r.body)).toBe(200);
  return r.body;
}

/** Every row of a search, page by page. */
export async function searchAll(params: Params, limit = 5000): Promise<LogRecord[]> {
  const rows: LogRecord[] = [];
  let cursor: string | undefined;
  do {
    const page = await search({ ...params, limit, cursor });
    rows.push(...page.rows);
    cursor = page.nextCursor ?? undefined;
  } while (cursor);
  return rows;
}

export const bodies = (rows: readonly LogRecord[]) => rows.map((r) => r.body);
export const posOf = (r: LogRecord) => `${r.timestamp}:${r.id}`;
/** a comes after b in the newest-first order. */
export const below = (a: LogRecord, b: LogRecord) => {
  const [ta, tb] = [BigInt(a.timestamp), BigInt(b.timestamp)];
  return ta < tb || (ta === tb && BigInt(a.id) < BigInt(b.id));
};
