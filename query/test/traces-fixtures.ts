import { expect } from 'vitest';
import type { TraceSearchResponse } from '@sightline/model/api/traces';
import { sightline } from './use-sightline.ts';

/**
 * Shared by the traces API tests: every row enters through the OTLP endpoint, every answer is read
 * through the HTTP API. Each test writes into its own one-minute slot (and its own services), so
 * the explicit from/to of one test never sees another test's traces.
 */

export const MS = 1_000_000n;
export const SEC = 1000n * MS;
// Inside the default "last hour" for as long as this file can run.
const BASE = BigInt(Date.now() - 30 * 60_000) * MS;
export const slot = (n: number): bigint => BASE + BigInt(n) * 60n * SEC;
export const isoOf = (ns: bigint): string => new Date(Number(ns / MS)).toISOString();
export const window = (n: number) => ({ from: isoOf(slot(n)), to: isoOf(slot(n + 1)) });

let idSeq = 0;
export const newTraceId = () => (++idSeq).toString(16).padStart(32, '0');
export const newSpanId = () => (++idSeq).toString(16).padStart(16, '0');

export interface TestSpan {
  traceId: string;
  spanId: string;
  parent?: string;
  service: string;
  name: string;
  start: bigint;
  end: bigint;
  kind?: number; // 1 internal, 2 server, 3 client
  status?: 0 | 1 | 2; // unset, ok, error
  attrs?: Record<string, string>;
}

export const kv = (attrs: Record<string, string> = {}) =>
  Object.entries(attrs).map(([key, v]) => ({ key, value: { stringValue: v } }));

export function byService<T extends { service: string }>(items: T[]): [string, T[]][] {
  const groups = new Map<string, T[]>();
  for (const item of items) groups.set(item.service, [...(groups.get(item.service) ?? []), item]);
  return [...groups];
}

export async function postOtlp(path: string, body: unknown): Promise<void> {
  const res = await fetch(`${sightline().otlpUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
  expect(res.status, await res.text()).toBe(200);
}

export const sendSpans = (spans: TestSpan[]) =>
  postOtlp('/v1/traces', {
    resourceSpans: byService(spans).map(([service, list]) => ({
      resource: { attributes: kv({ 'service.name': service }) },
      scopeSpans: [
        {
          scope: { name: 'traces.int.test' },
          spans: list.map((sp) => ({
            traceId: sp.traceId,
            spanId: sp.spanId,
            parentSpanId: sp.parent ?? '',
            name: sp.name,
            kind: sp.kind ?? 1,
            startTimeUnixNano: sp.start.toString(),
            endTimeUnixNano: sp.end.toString(),
            status: { code: sp.status ?? 0 },
            attributes: kv(sp.attrs),
          })),
        },
      ],
    })),
  });

export interface TestLog {
  service: string;
  time: bigint;
  traceId: string;
  spanId: string;
  severityNumber: number;
  severityText: string;
  body: string;
  attrs?: Record<string, string>;
}

export const sendLogs = (logs: TestLog[]) =>
  postOtlp('/v1/logs', {
    resourceLogs: byService(logs).map(([service, list]) => ({
      resource: { attributes: kv({ 'service.name': service }) },
      scopeLogs: [
        {
          logRecords: list.map((l) => ({
            timeUnixNano: l.time.toString(),
            traceId: l.traceId,
            spanId: l.spanId,
            severityNumber: l.severityNumber,
            severityText: l.severityText,
            body: { stringValue: l.body },
            attributes: kv(l.attrs),
          })),
        },
      ],
    })),
  });

/** A one-span trace. */
export function single(
  service: string,
  name: string,
  start: bigint,
  durationNs: bigint,
  extra: Partial<TestSpan> = {},
): TestSpan {
  return {
    traceId: newTraceId(),
    spanId: newSpanId(),
    service,
    name,
    start,
    end: start + durationNs,
    ...extra,
  };
}

export async function api<T>(
  path: string,
  query: Record<string, string | number | undefined> = {},
) {
  const params = new URLSearchParams();
  for (const [k, v] of Object.entries(query)) if (v !== undefined) params.set(k, String(v));
  const qs = params.toString();
  const res = await fetch(`${sightline().apiUrl}/api/v1${path}${qs ? `?${qs}` : ''}`);
  return { status: res.status, body: (await res.json()) as T };
}

export async function search(
  query: Record<string, string | number | undefined>,
): Promise<TraceSearchResponse> {
  const res = await api<TraceSearchResponse>('/traces', query);
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
}

export const ids = (r: TraceSearchResponse) => r.traces.map((t) => t.traceId);
