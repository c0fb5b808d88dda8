import { describe, expect, it } from 'vitest';
import type { CriticalPathResponse, TraceResponse } from '@sightline/model/api/traces';
import {
  MS,
  SEC,
  api,
  newSpanId,
  newTraceId,
  search,
  sendLogs,
  sendSpans,
  slot,
  window,
  type TestLog,
  type TestSpan,
} from './traces-fixtures.ts';
import { useSightline } from './use-sightline.ts';

/** The traces API end to end: a whole trace by id (10,000 spans, its logs) and its critical path. */
useSightline();

describe('GET /traces/:traceId', () => {
  it('returns all 10,000 spans of a big trace with their parents, and its logs in time order', async () => {
    const t = slot(8);
    const traceId = newTraceId();
    const n = 10_000;
    const spanIds = Array.from({ length: n }, () => newSpanId());
    const parentOf = (i: number) => (i === 0 ? '' : (spanIds[Math.floor((i - 1) / 3)] ?? ''));
    const spans: TestSpan[] = spanIds.map((spanId, i) => ({
      traceId,
      spanId,
      parent: parentOf(i),
      service: `big-${i % 5}`,
      name: `step-${i % 7}`,
      start: t + BigInt(i) * 10_000n,
      end: i === 0 ? t + 2n * SEC : t + BigInt(i) * 10_000n + MS,
    }));
    for (let from = 0; from < n; from += 2_500) await sendSpans(spans.slice(from, from + 2_500));
    const logs: TestLog[] = [
      {
        service: 'big-1',
        time: t + 5n * MS,
        traceId,
        spanId: spanIds[1] ?? '',
        severityNumber: 9,
        severityText: 'INFO',
        body: 'started',
        attrs: { step: '1' },
      },
      {
        service: 'big-0',
        time: t + MS,
        traceId,
        spanId: spanIds[0] ?? '',
        severityNumber: 17,
        severityText: 'ERROR',
        body: 'first',
        attrs: {},
      },
      {
        service: 'big-2',
        time: t + 9n * MS,
        traceId,
        spanId: '',
        severityNumber: 13,
        severityText: 'WARN',
        body: 'outside a span',
        attrs: { k: 'v' },
      },
      {
        service: 'big-2',
        time: t + 2n * MS,
        traceId: newTraceId(),
        spanId: '',
        severityNumber: 9,
        severityText: 'INFO',
        body: 'another trace',
      },
    ];
    await sendLogs(logs);

    const res = await api<TraceResponse>(`/traces/${traceId.toUpperCase()}`);
    expect(res.status).toBe(200);
    const { spans: got, logs: gotLogs, ...rest } = res.body;
    expect(rest).toEqual({ traceId, spansTruncated: false, logsTruncated: false });
    expect(got).toHaveLength(n);
    const parents = new Map(got.map((sp) => [sp.spanId, sp.parentSpanId]));
    const wrong = spanIds.filter((id, i) => parents.get(id) !== parentOf(i));
    expect(wrong).toEqual([]);
    expect(got[0]?.spanId).toBe(spanIds[0]);

    expect(gotLogs).toEqual(
      [logs[1], logs[0], logs[2]].map((l) => ({
        timeUnixNano: l?.time.toString(),
        severityText: l?.severityText,
        severityNumber: l?.severityNumber,
        body: l?.body,
        serviceName: l?.service,
        spanId: l?.spanId,
        attributes: l?.attrs,
      })),
    );

    const [summary] = (await search({ q: `trace_id:${traceId}`, ...window(8) })).traces;
    expect(summary).toMatchObject({
      spanCount: n,
      services: ['big-0', 'big-1', 'big-2', 'big-3', 'big-4'],
      rootName: 'step-0',
      durationNano: (2n * SEC).toString(),
    });

    const path = await api<CriticalPathResponse>(`/traces/${traceId}/critical-path`);
    expect(path.status).toBe(200);
    expect(path.body.rootSpanId).toBe(spanIds[0]);
    const segments = path.body.segments;
    expect(segments[0]?.startTimeUnixNano).toBe(t.toString());
    expect(segments.at(-1)?.endTimeUnixNano).toBe((t + 2n * SEC).toString());
    const gaps = segments.filter(
      (seg, i) => i > 0 && seg.startTimeUnixNano !== segments[i - 1]?.endTimeUnixNano,
    );
    expect(gaps).toEqual([]);
  });
});

describe('GET /traces/:traceId/critical-path', () => {
  it('returns the chain of span segments behind the trace latency', async () => {
    const t = slot(9);
    const traceId = newTraceId();
    const [r, a, b, c, async] = ['r', 'a', 'b', 'c', 'async'].map(() => newSpanId()) as [
      string,
      string,
      string,
      string,
      string,
    ];
    const at = (ms: number) => t + BigInt(ms) * MS;
    await sendSpans([
      {
        traceId,
        spanId: r,
        service: 'gateway',
        name: 'GET /order',
        start: at(0),
        end: at(100),
        kind: 2,
      },
      {
        traceId,
        spanId: a,
        parent: r,
        service: 'auth',
        name: 'verify',
        start: at(10),
        end: at(40),
      },
      {
        traceId,
        spanId: b,
        parent: r,
        service: 'orders',
        name: 'load',
        start: at(50),
        end: at(90),
      },
      { traceId, spanId: c, parent: b, service: 'db', name: 'SELECT', start: at(60), end: at(80) },
      {
        traceId,
        spanId: async,
        parent: r,
        service: 'audit',
        name: 'record',
        start: at(95),
        end: at(150),
      },
    ]);
    const seg = (spanId: string, serviceName: string, name: string, from: number, to: number) => ({
      spanId,
      serviceName,
      name,
      startTimeUnixNano: at(from).toString(),
      endTimeUnixNano: at(to).toString(),
      durationNano: ((BigInt(to) - BigInt(from)) * MS).toString(),
    });
    const res = await api<CriticalPathResponse>(`/traces/${traceId}/critical-path`);
    expect(res).toEqual({
      status: 200,
      body: {
        traceId,
        rootSpanId: r,
        rootSpanMissing: false,
        segments: [
          seg(r, 'gateway', 'GET /order', 0, 10),
          seg(a, 'auth', 'verify', 10, 40),
          seg(r, 'gateway', 'GET /order', 40, 50),
          seg(b, 'orders', 'load', 50, 60),
          seg(c, 'db', 'SELECT', 60, 80),
          seg(b, 'orders', 'load', 80, 90),
          seg(r, 'gateway', 'GET /order', 90, 95),
          // Outlives the root: only the part inside the root counts.
          seg(async, 'audit', 'record', 95, 100),
        ],
      },
    });
  });
});
