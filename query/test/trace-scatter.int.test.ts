import { describe, expect, it } from 'vitest';
import type { ErrorResponse } from '@sightline/model/api/common';
import type { TraceScatterResponse } from '@sightline/model/api/trace-scatter';
import { MS, SEC, api, sendSpans, single, slot, window, type TestSpan } from './traces-fixtures.ts';
import { useSightline } from './use-sightline.ts';

// 30 one-span traces a second apart in one minute; every third one failed, the n-th lasts n ms.
const TRACES: TestSpan[] = Array.from({ length: 30 }, (_, i) =>
  single('scatter-shop', `GET /item/${i}`, slot(3) + BigInt(i) * SEC, BigInt(i + 1) * MS, {
    ...(i % 3 === 0 ? { status: 2 } : {}),
  }),
);

useSightline(() => sendSpans(TRACES));

const scatter = async (query: Record<string, string | number>) => {
  const res = await api<TraceScatterResponse>('/trace-scatter', { ...window(3), ...query });
  expect(res.status, JSON.stringify(res.body)).toBe(200);
  return res.body;
};

describe('GET /trace-scatter', () => {
  it('answers every match of the range, oldest first, with the summary fields', async () => {
    const r = await scatter({});
    expect(r).toMatchObject({ total: 30, totalIsLowerBound: false, sampled: false });
    expect(r.points.map((p) => p.traceId)).toEqual(TRACES.map((t) => t.traceId));
    expect(r.points[4]).toEqual({
      traceId: TRACES[4]?.traceId,
      rootServiceName: 'scatter-shop',
      rootName: 'GET /item/4',
      startTimeUnixNano: String(slot(3) + 4n * SEC),
      durationNano: String(5n * MS),
      spanCount: 1,
      errorCount: 0,
    });
    expect(r.points[3]?.errorCount).toBe(1);
  });

  it('samples evenly over time when there are more matches than points, and says so', async () => {
    const r = await scatter({ points: 10 });
    expect(r).toMatchObject({ total: 30, sampled: true });
    // Every third trace by start: the first, the fourth, … the 28th.
    expect(r.points.map((p) => p.rootName)).toEqual(
      [0, 3, 6, 9, 12, 15, 18, 21, 24, 27].map((i) => `GET /item/${i}`),
    );
    const seven = await scatter({ points: 7 });
    expect(seven.points.length).toBeLessThanOrEqual(7);
    expect(seven.points.length).toBeGreaterThan(5);
  });

  it('applies the trace search filters', async () => {
    const errors = await scatter({ status: 'error' });
    expect(errors.total).toBe(10);
    expect(errors.points.every((p) => p.errorCount === 1)).toBe(true);
    const slow = await scatter({ minDuration: '25ms' });
    expect(slow.points.map((p) => p.rootName)).toEqual(
      [24, 25, 26, 27, 28, 29].map((i) => `GET /item/${i}`),
    );
    const q = await scatter({ q: 'name:"GET /item/7"' });
    expect(q.points.map((p) => p.traceId)).toEqual([TRACES[7]?.traceId]);
  });

  it('answers an empty range with no points and a zero count', async () => {
    expect(await scatter({ ...window(40) })).toEqual({
      total: 0,
      totalIsLowerBound: false,
      sampled: false,
      points: [],
    });
  });

  it('rejects bad parameters with a 400 naming them', async () => {
    const zero = await api<ErrorResponse>('/trace-scatter', { ...window(3), points: 0 });
    expect(zero.status).toBe(400);
    expect(zero.body.error.message).toMatch(/points/);
    const dur = await api<ErrorResponse>('/trace-scatter', {
      ...window(3),
      minDuration: 'soon',
    });
    expect(dur.status).toBe(400);
    expect(dur.body.error.message).toMatch(/minDuration/);
  });
});
