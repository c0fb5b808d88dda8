import { describe, expect, it } from 'vitest';
import { sightline, useSightline } from '../../../test/use-sightline.ts';

// The Prometheus HTTP API's envelope, parameters and errors, against a running Sightline.

const api = (path: string) => `${sightline().apiUrl}/prometheus/api/v1/${path}`;

interface Envelope {
  status: 'success' | 'error';
  data?: unknown;
  errorType?: string;
  error?: string;
  warnings?: string[];
}

async function get(path: string, params: Record<string, string> = {}) {
  const res = await fetch(`${api(path)}?${new URLSearchParams(params).toString()}`);
  return { status: res.status, body: (await res.json()) as Envelope };
}

async function post(path: string, form: string) {
  const res = await fetch(api(path), {
    method: 'POST',
    headers: { 'content-type': 'application/x-www-form-urlencoded' },
    body: form,
  });
  return { status: res.status, body: (await res.json()) as Envelope };
}

useSightline();

describe('Prometheus API envelope', () => {
  it('answers an instant query of a number by GET and by POST alike', async () => {
    const byGet = await get('query', { query: '42', time: '1700000000.5' });
    expect(byGet).toEqual({
      status: 200,
      body: { status: 'success', data: { resultType: 'scalar', result: [1700000000.5, '42'] } },
    });
    const byPost = await post('query', 'query=42&time=2023-11-14T22%3A13%3A20.5Z');
    expect(byPost).toEqual(byGet);
  });

  it('evaluates a range query on the grid start + i·step, end included', async () => {
    const r = await post('query_range', 'query=-0.5&start=100&end=130&step=15s');
    expect(r.status).toBe(200);
    expect(r.body).toEqual({
      status: 'success',
      data: {
        resultType: 'matrix',
        result: [
          {
            metric: {},
            values: [
              [100, '-0.5'],
              [115, '-0.5'],
              [130, '-0.5'],
            ],
          },
        ],
      },
    });
  });

  it('answers buildinfo with a Prometheus version Grafana can read', async () => {
    const r = await get('status/buildinfo');
    expect(r.status).toBe(200);
    const data = r.body.data as Record<string, string>;
    expect(data.version).toMatch(/^\d+\.\d+\.\d+$/);
    expect(Object.keys(data).sort()).toEqual(
      ['branch', 'buildDate', 'buildUser', 'goVersion', 'revision', 'version'].sort(),
    );
  });
});

describe('Prometheus API errors', () => {
  const cases: [string, Record<string, string>, number, string, string][] = [
    [
      'query',
      { query: '1', time: 'yesterday' },
      400,
      'bad_data',
      'invalid parameter "time": cannot parse "yesterday" to a valid timestamp',
    ],
    [
      'query',
      { query: '1', timeout: '5x' },
      400,
      'bad_data',
      'invalid parameter "timeout": cannot parse "5x" to a valid duration',
    ],
    [
      'query',
      { query: '1', limit: 'ten' },
      400,
      'bad_data',
      'invalid parameter "limit": cannot parse "ten" to a valid limit',
    ],
    [
      'query_range',
      { query: '1', end: '10', step: '1' },
      400,
      'bad_data',
      'invalid parameter "start": cannot parse "" to a valid timestamp',
    ],
    [
      'query_range',
      { query: '1', start: '10', end: '5', step: '1' },
      400,
      'bad_data',
      'invalid parameter "end": end timestamp must not be before start time',
    ],
    [
      'query_range',
      { query: '1', start: '0', end: '10', step: '0' },
      400,
      'bad_data',
      'invalid parameter "step": zero or negative query resolution step widths are not accepted. Try a positive integer',
    ],
    [
      'query_range',
      { query: '1', start: '0', end: '11001', step: '1' },
      400,
      'bad_data',
      'exceeded maximum resolution of 11,000 points per timeseries. Try decreasing the query resolution (?step=XX)',
    ],
    ['series', {}, 400, 'bad_data', 'no match[] parameter provided'],
    [
      'series',
      { 'match[]': '{job=""}' },
      400,
      'bad_data',
      'invalid parameter "match[]": parse error at char 1: vector selector must contain at least one non-empty matcher',
    ],
    [
      'series',
      { 'match[]': 'rate(up[5m])' },
      400,
      'bad_data',
      'invalid parameter "match[]": "rate(up[5m])" is not a series selector such as up{job="x"}',
    ],
    ['label/0bad/values', {}, 400, 'bad_data', 'invalid label name: "0bad"'],
  ];
  it.each(cases)('%s %j → %i %s', async (path, params, status, errorType, error) => {
    expect(await get(path, params)).toEqual({
      status,
      body: { status: 'error', errorType, error },
    });
  });

  it('names the syntax error of a query', async () => {
    const r = await get('query', { query: 'sum(' });
    expect(r.status).toBe(400);
    expect(r.body.status).toBe('error');
    expect(r.body.errorType).toBe('bad_data');
    expect(r.body.error).toMatch(/parse error/);
  });

  it('accepts 11,001 points as Prometheus does (end − start = 11,000 steps)', async () => {
    const r = await get('query_range', { query: '1', start: '0', end: '11000', step: '1' });
    expect(r.status).toBe(200);
    const result = (r.body.data as { result: { values: unknown[] }[] }).result;
    expect(result[0]?.values).toHaveLength(11_001);
  });

  it('names an unsupported function in bad_data', async () => {
    expect(await get('query', { query: 'predict_linear(up[5m], 60)' })).toEqual({
      status: 400,
      body: {
        status: 'error',
        errorType: 'bad_data',
        error: 'function "predict_linear" is not supported',
      },
    });
  });

  it('answers unknown paths under /prometheus in its envelope, not with the dashboard', async () => {
    const r = await get('nope');
    expect(r).toEqual({
      status: 404,
      body: {
        status: 'error',
        errorType: 'not_found',
        error: 'no route GET /prometheus/api/v1/nope',
      },
    });
  });
});
