import { describe, expect, it } from 'vitest';
import { buildQueryApp } from '../../app.ts';
import {
  END,
  SPAN_ID,
  START,
  TRACE_ID,
  storeFixtures,
} from '../../../../deploy/test/prom-api-fixtures.ts';
import { sightline, useSightline } from '../../../test/use-sightline.ts';

// /series, /labels and /label/<name>/values over remote-written and OTLP series.

interface Envelope {
  status: string;
  data?: unknown;
  warnings?: string[];
  errorType?: string;
  error?: string;
}

async function call(path: string, params: [string, string][], method: 'GET' | 'POST' = 'GET') {
  const url = `${sightline().apiUrl}/prometheus/api/v1/${path}`;
  const form = new URLSearchParams(params).toString();
  const res =
    method === 'GET'
      ? await fetch(`${url}?${form}`)
      : await fetch(url, {
          method,
          headers: { 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
  return { status: res.status, body: (await res.json()) as Envelope };
}

const window: [string, string][] = [
  ['start', String(START / 1000)],
  ['end', String(END / 1000)],
];

const SHOP_200 = {
  __name__: 'sl_requests_total',
  code: '200',
  instance: 'shop-1:9100',
  job: 'shop',
};
const SHOP_500 = { ...SHOP_200, code: '500' };
const TEMPERATURE = {
  __name__: 'sl_temperature_celsius',
  instance: 'shop-1:9100',
  job: 'shop',
  room: 'café ☕',
};
const QUEUE = { __name__: 'queue_depth', instance: 'w-1', job: 'worker', queue: 'mail' };

useSightline(() => storeFixtures(sightline()));

describe('GET and POST /series', () => {
  it('lists the label sets of every match[] (repeated keys), sorted, names as stored or exported', async () => {
    const params: [string, string][] = [
      ['match[]', 'sl_requests_total'],
      ['match[]', '{job="worker"}'],
      ['match[]', '{room=~"caf.*"}'],
      ...window,
    ];
    const byGet = await call('series', params);
    expect(byGet).toEqual({
      status: 200,
      body: { status: 'success', data: [QUEUE, SHOP_200, SHOP_500, TEMPERATURE] },
    });
    expect(await call('series', params, 'POST')).toEqual(byGet);
  });

  it('reads every stored time without start and end, nothing outside a window', async () => {
    expect((await call('series', [['match[]', 'queue_depth']])).body.data).toEqual([QUEUE]);
    const before = await call('series', [
      ['match[]', 'queue_depth'],
      ['start', String((START - 3_600_000) / 1000)],
      ['end', String((START - 60_000) / 1000)],
    ]);
    expect(before.body).toEqual({ status: 'success', data: [] });
  });

  it('cuts at limit with a warning', async () => {
    const r = await call('series', [
      ['match[]', '{job=~"shop|worker"}'],
      ['limit', '2'],
      ...window,
    ]);
    expect(r.body).toEqual({
      status: 'success',
      data: [QUEUE, SHOP_200],
      warnings: ['results truncated due to limit'],
    });
  });
});

describe('/labels and /label/<name>/values', () => {
  it('lists label names, of all series or of the matched ones', async () => {
    expect((await call('labels', window)).body.data).toEqual(
      expect.arrayContaining(['__name__', 'code', 'instance', 'job', 'queue', 'room']),
    );
    const matched = await call(
      'labels',
      [['match[]', 'sl_temperature_celsius'], ...window],
      'POST',
    );
    expect(matched.body).toEqual({
      status: 'success',
      data: ['__name__', 'instance', 'job', 'room'],
    });
  });

  it("lists a label's values, metric names for __name__, sorted bytewise", async () => {
    const names = await call('label/__name__/values', window);
    expect(names.body.data).toEqual(
      expect.arrayContaining(['queue_depth', 'sl_requests_total', 'sl_temperature_celsius']),
    );
    const data = names.body.data as string[];
    expect(data).toEqual([...data].sort());
    expect(
      (await call('label/code/values', [['match[]', 'sl_requests_total'], ...window])).body,
    ).toEqual({
      status: 'success',
      data: ['200', '500'],
    });
    expect((await call('label/room/values', window)).body.data).toEqual(['café ☕']);
    expect((await call('label/nobody_has_it/values', window)).body).toEqual({
      status: 'success',
      data: [],
    });
    expect((await call('label/job/values', [['limit', '1'], ...window])).body).toEqual({
      status: 'success',
      data: ['api'],
      warnings: ['results truncated due to limit'],
    });
  });
});

describe('/metadata', () => {
  it("lists each family's type, help and unit, remote-written and OTLP alike", async () => {
    const r = await call('metadata', []);
    expect(r.status).toBe(200);
    const data = r.body.data as Record<string, unknown>;
    expect(data).toMatchObject({
      sl_requests_total: [{ type: 'counter', help: 'Requests served.', unit: '' }],
      sl_temperature_celsius: [{ type: 'gauge', help: 'Room temperature.', unit: 'celsius' }],
      queue_depth: [{ type: 'gauge', help: 'Jobs waiting.', unit: '' }],
    });
    expect(await call('metadata', [['metric', 'queue_depth']])).toEqual({
      status: 200,
      body: {
        status: 'success',
        data: { queue_depth: [{ type: 'gauge', help: 'Jobs waiting.', unit: '' }] },
      },
    });
    expect(
      Object.keys((await call('metadata', [['limit', '1']])).body.data as object),
    ).toHaveLength(1);
  });
});

describe('/query_exemplars', () => {
  it('gives the trace and span of the exemplars stored with the selected series', async () => {
    const r = await call(
      'query_exemplars',
      [['query', 'max_over_time(queue_depth{queue="mail"}[5m]) > 1'], ...window],
      'POST',
    );
    expect(r).toEqual({
      status: 200,
      body: {
        status: 'success',
        data: [
          {
            seriesLabels: QUEUE,
            exemplars: [
              {
                labels: { span_id: SPAN_ID, trace_id: TRACE_ID, worker: 'w-1' },
                value: '3',
                timestamp: (END - 1000) / 1000,
              },
            ],
          },
        ],
      },
    });
  });

  it("puts a histogram's exemplar on the bucket its value falls in", async () => {
    const r = await call('query_exemplars', [
      ['query', 'histogram_quantile(0.9, rate(http_server_duration_milliseconds_bucket[5m]))'],
      ...window,
    ]);
    expect(r.body).toEqual({
      status: 'success',
      data: [
        {
          seriesLabels: {
            __name__: 'http_server_duration_milliseconds_bucket',
            job: 'api',
            le: '100',
          },
          exemplars: [
            {
              labels: { span_id: SPAN_ID, trace_id: TRACE_ID },
              value: '42',
              timestamp: (END - 2000) / 1000,
            },
          ],
        },
      ],
    });
  });

  it('is empty where no exemplar was stored, or outside the window', async () => {
    expect(
      (await call('query_exemplars', [['query', 'rate(sl_requests_total[5m])'], ...window])).body,
    ).toEqual({
      status: 'success',
      data: [],
    });
    const before = [
      ['query', 'queue_depth'],
      ['start', String(START / 1000)],
      ['end', String((END - 2000) / 1000)],
    ] as [string, string][];
    expect((await call('query_exemplars', before)).body).toEqual({ status: 'success', data: [] });
  });
});

describe('limits', () => {
  it('query with limit keeps the first series in order and warns', async () => {
    const r = await call('query', [
      ['query', 'sl_requests_total'],
      ['time', String(END / 1000)],
      ['limit', '1'],
    ]);
    expect(r.body).toEqual({
      status: 'success',
      data: { resultType: 'vector', result: [{ metric: SHOP_200, value: [END / 1000, '400'] }] },
      warnings: ['results truncated due to limit'],
    });
  });

  it('past the series limit: an execution error (422), in SQL, not after loading', async () => {
    // A second app over the same store, with the limits a deployment would set.
    const app = buildQueryApp({
      store: sightline().store,
      version: 'test',
      maxTraceSpans: 10,
      promql: { maxSeries: 2, maxSamples: 20, timeoutMs: 60_000 },
    });
    try {
      const series = await app.inject({
        method: 'GET',
        url: `/prometheus/api/v1/series?match[]={job=~"shop|worker"}&start=${START / 1000}&end=${END / 1000}`,
      });
      expect(series.statusCode).toBe(422);
      expect(series.json()).toEqual({
        status: 'error',
        errorType: 'execution',
        error: 'more than 2 series match; narrow match[] or the time range, or pass limit',
      });
      const query = await app.inject({
        method: 'POST',
        url: '/prometheus/api/v1/query_range',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        payload: `query=${encodeURIComponent('{job=~"shop|worker"}')}&start=${START / 1000}&end=${END / 1000}&step=60`,
      });
      expect(query.statusCode).toBe(422);
      expect(query.json()).toMatchObject({ status: 'error', errorType: 'execution' });
      expect(query.json<{ error: string }>().error).toMatch(/too many series/);
      // One series, 41 samples over the range: past 20.
      const samples = await app.inject({
        method: 'GET',
        url: `/prometheus/api/v1/query_range?query=queue_depth&start=${START / 1000}&end=${END / 1000}&step=15`,
      });
      expect(samples.statusCode).toBe(422);
      expect(samples.json()).toEqual({
        status: 'error',
        errorType: 'execution',
        error: 'query processing would load too many samples into memory in query execution',
      });
    } finally {
      await app.close();
    }
  });
});
