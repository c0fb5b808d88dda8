import { describe, expect, it } from 'vitest';
import type { MetricAttributesResponse, MetricNamesResponse } from '@sightline/model/api/metrics';
import { RANGE, sendAll } from './metrics-fixtures.ts';
import { sightline, useSightline } from './use-sightline.ts';

/** The metrics API end to end: metric names and their attributes. */
useSightline(sendAll);

describe('metric names and attributes', () => {
  it('lists names with type, unit, description and temporality', async () => {
    const res = await fetch(
      `${sightline().apiUrl}/api/v1/metrics/names?from=${RANGE.from}&to=${RANGE.to}&prefix=${encodeURIComponent('http.')}`,
    );
    expect(res.status).toBe(200);
    const body = (await res.json()) as MetricNamesResponse;
    expect(body).toEqual({
      metrics: [
        {
          name: 'http.requests',
          type: 'sum',
          unit: '{request}',
          description: 'requests served',
          services: ['svc-cumulative', 'svc-delta', 'svc-drop', 'svc-restart'],
          monotonic: true,
          temporality: 'mixed',
        },
      ],
      truncated: false,
    });
    const all = (await (
      await fetch(`${sightline().apiUrl}/api/v1/metrics/names?from=${RANGE.from}&to=${RANGE.to}`)
    ).json()) as MetricNamesResponse;
    expect(all.metrics.map((m) => [m.name, m.type, m.temporality ?? null])).toEqual([
      ['gc.pause', 'summary', null],
      ['http.requests', 'sum', 'mixed'],
      ['many.series', 'gauge', null],
      ['pay.latency', 'histogram', 'mixed'],
      ['payload.size', 'exponential_histogram', 'mixed'],
      ['queue.depth', 'gauge', null],
    ]);
    const svc = (await (
      await fetch(
        `${sightline().apiUrl}/api/v1/metrics/names?from=${RANGE.from}&to=${RANGE.to}&service=hist-delta`,
      )
    ).json()) as MetricNamesResponse;
    expect(svc.metrics).toEqual([
      {
        name: 'pay.latency',
        type: 'histogram',
        unit: 'ms',
        description: '',
        services: ['hist-delta'],
        temporality: 'delta',
      },
    ]);
  });

  it("lists a metric's attribute keys and a key's top values", async () => {
    const url = `${sightline().apiUrl}/api/v1/metrics/queue.depth/attributes?from=${RANGE.from}&to=${RANGE.to}`;
    const keys = (await (await fetch(url)).json()) as MetricAttributesResponse;
    expect(keys.metric).toBe('queue.depth');
    expect(keys.keys).toEqual([
      { key: 'queue', count: 4 },
      { key: 'resource.service.name', count: 4 },
    ]);
    const values_ = (await (await fetch(`${url}&key=queue`)).json()) as MetricAttributesResponse;
    expect(values_).toEqual({
      metric: 'queue.depth',
      key: 'queue',
      values: [
        { value: 'orders', count: 3 },
        { value: 'emails', count: 1 },
      ],
      truncated: false,
    });
    const limited = (await (
      await fetch(`${url}&key=queue&limit=1`)
    ).json()) as MetricAttributesResponse;
    expect(limited.values).toEqual([{ value: 'orders', count: 3 }]);
    expect(limited.truncated).toBe(true);
  });
});
