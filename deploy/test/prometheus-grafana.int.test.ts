import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { RunningSightline } from '../src/all-in-one.ts';
import { startTestSightline, testConfig } from './harness.ts';
import { adminMadeKey, END, START, SPAN_ID, TRACE_ID, storeFixtures } from './prom-api-fixtures.ts';

/*
 * The requests Grafana's Prometheus data source (Grafana 10/11, default HTTP method POST, basic
 * auth) sends to its URL — here http://<sightline>/prometheus — replayed with their shapes:
 *  - "Save & test": POST api/v1/query with query=1+1&time=<now, seconds>; the settings page reads
 *    GET api/v1/status/buildinfo to pick the flavour and version;
 *  - the query editor: GET api/v1/labels?start&end, api/v1/label/__name__/values?start&end,
 *    api/v1/series?match[]&start&end, api/v1/label/<name>/values?match[]&start&end,
 *    api/v1/metadata;
 *  - a time-series panel: POST api/v1/query_range with start and end aligned down to the step
 *    (whole seconds), POST api/v1/query_exemplars with the panel's query, and for "instant"
 *    queries POST api/v1/query?time=<end>.
 */

const PASSWORD = 'grafana-admin-password';
let s: RunningSightline;
let headers: Record<string, string>;

beforeAll(async () => {
  s = await startTestSightline(
    testConfig({ SIGHTLINE_AUTH: 'on', SIGHTLINE_ADMIN_PASSWORD: PASSWORD }),
  );
  const ingestKey = await adminMadeKey(s, PASSWORD, ['ingest']);
  const readKey = await adminMadeKey(s, PASSWORD, ['read']);
  await storeFixtures(s, ingestKey);
  headers = {
    authorization: `Basic ${Buffer.from(`grafana:${readKey}`).toString('base64')}`,
    'user-agent': 'Grafana/11.0.0',
    'x-grafana-org-id': '1',
    accept: 'application/json, text/plain, */*',
  };
}, 120_000);
afterAll(async () => s?.close());

interface Envelope {
  status: string;
  data: unknown;
  warnings?: string[];
}

async function grafana(method: 'GET' | 'POST', path: string, params: [string, string][]) {
  const url = `${s.apiUrl}/prometheus/api/v1/${path}`;
  const form = new URLSearchParams(params).toString();
  const res =
    method === 'GET'
      ? await fetch(form ? `${url}?${form}` : url, { headers })
      : await fetch(url, {
          method,
          headers: { ...headers, 'content-type': 'application/x-www-form-urlencoded' },
          body: form,
        });
  expect(res.headers.get('content-type')).toMatch(/^application\/json/);
  return { status: res.status, body: (await res.json()) as Envelope };
}

const sec = (ms: number) => String(Math.floor(ms / 1000));
const range: [string, string][] = [
  ['start', sec(START)],
  ['end', sec(END)],
];

describe('Grafana: Save & test', () => {
  it('health check query 1+1 answers 2', async () => {
    const now = sec(Date.now());
    const r = await grafana('POST', 'query', [
      ['query', '1+1'],
      ['time', now],
    ]);
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      data: { resultType: 'scalar', result: [Number(now), '2'] },
    });
  });

  it('buildinfo names a Prometheus version', async () => {
    const r = await grafana('GET', 'status/buildinfo', []);
    expect(r.status).toBe(200);
    expect((r.body.data as { version: string }).version).toMatch(/^2\.\d+\.\d+$/);
  });

  it('a wrong key is refused in the envelope Grafana shows', async () => {
    const res = await fetch(`${s.apiUrl}/prometheus/api/v1/query?query=1`, {
      headers: { authorization: `Basic ${Buffer.from('grafana:sl_nope').toString('base64')}` },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toEqual({
      status: 'error',
      errorType: 'unauthorized',
      error: 'the API key is not valid (unknown, malformed or revoked)',
    });
  });
});

describe('Grafana: query editor and metric browser', () => {
  it('labels, metric names, series, values of a label and metadata', async () => {
    const labels = await grafana('GET', 'labels', range);
    expect(labels.body.data).toEqual(expect.arrayContaining(['__name__', 'code', 'job', 'room']));
    const names = await grafana('GET', 'label/__name__/values', range);
    expect(names.body.data).toEqual(
      expect.arrayContaining(['queue_depth', 'sl_requests_total', 'sl_temperature_celsius']),
    );
    const series = await grafana('GET', 'series', [
      ['match[]', 'sl_temperature_celsius'],
      ...range,
    ]);
    expect(series.body).toEqual({
      status: 'success',
      data: [
        {
          __name__: 'sl_temperature_celsius',
          instance: 'shop-1:9100',
          job: 'shop',
          room: 'café ☕',
        },
      ],
    });
    const codes = await grafana('GET', 'label/code/values', [
      ['match[]', '{__name__="sl_requests_total"}'],
      ...range,
    ]);
    expect(codes.body).toEqual({ status: 'success', data: ['200', '500'] });
    const meta = await grafana('GET', 'metadata', []);
    expect((meta.body.data as Record<string, unknown>).sl_requests_total).toEqual([
      { type: 'counter', help: 'Requests served.', unit: '' },
    ]);
  });
});

describe('Grafana: a time-series panel', () => {
  const step = 60;
  // Grafana aligns the panel's range down to the step before it asks.
  const alignedStart = Math.floor((START + 90_000) / 1000 / step) * step;
  const alignedEnd = Math.floor(END / 1000 / step) * step;

  it('query_range on the aligned grid: one point per step, rates per second', async () => {
    const r = await grafana('POST', 'query_range', [
      ['query', 'sum by (code) (rate(sl_requests_total[1m]))'],
      ['start', String(alignedStart)],
      ['end', String(alignedEnd)],
      ['step', String(step)],
    ]);
    expect(r.status).toBe(200);
    const data = r.body.data as {
      resultType: string;
      result: { metric: Record<string, string>; values: [number, string][] }[];
    };
    expect(data.resultType).toBe('matrix');
    expect(data.result.map((x) => x.metric)).toEqual([{ code: '200' }, { code: '500' }]);
    const times = Array.from(
      { length: (alignedEnd - alignedStart) / step + 1 },
      (_, k) => alignedStart + k * step,
    );
    for (const [k, perSecond] of [
      [0, 10 / 15],
      [1, 1 / 15],
    ] as const) {
      const values = data.result[k]!.values;
      expect(values.map((v) => v[0])).toEqual(times);
      for (const [, v] of values) expect(Number(v)).toBeCloseTo(perSecond, 9);
    }
  });

  it('instant query at the end of the range, for a table or stat panel', async () => {
    const r = await grafana('POST', 'query', [
      ['query', 'sl_temperature_celsius'],
      ['time', String(END / 1000)],
    ]);
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'vector',
        result: [
          {
            metric: {
              __name__: 'sl_temperature_celsius',
              instance: 'shop-1:9100',
              job: 'shop',
              room: 'café ☕',
            },
            // The last of the fixture's temperatures: 40 samples in, 40 mod 5 = 0 → 21.5.
            value: [END / 1000, '21.5'],
          },
        ],
      },
    });
  });

  it('exemplars of the panel query', async () => {
    const r = await grafana('POST', 'query_exemplars', [
      ['query', 'avg(queue_depth)'],
      ['start', String(alignedStart)],
      ['end', String(alignedEnd)],
    ]);
    expect(r.body).toMatchObject({
      status: 'success',
      data: [{ exemplars: [{ labels: { trace_id: TRACE_ID, span_id: SPAN_ID } }] }],
    });
  });

  it('a query error reaches the panel as Prometheus words it', async () => {
    const r = await grafana('POST', 'query_range', [
      ['query', 'sum by (code) (rate(sl_requests_total))'],
      ['start', String(alignedStart)],
      ['end', String(alignedEnd)],
      ['step', String(step)],
    ]);
    expect(r.status).toBe(400);
    expect(r.body).toMatchObject({ status: 'error', errorType: 'bad_data' });
  });
});
