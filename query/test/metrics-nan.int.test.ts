import { describe, expect, it } from 'vitest';
import type { AlertPreviewResponse } from '@sightline/model/api/alerts';
import { appendHistory, readHistory } from '@sightline/store/alerts/history';
import { loadStates, saveStates } from '@sightline/store/alerts/states';
import { BASE, MIN, RANGE, ns, one, sendMetrics, times, values } from './metrics-fixtures.ts';
import { sightline, useSightline } from './use-sightline.ts';

/**
 * NaN and infinities are values: the metrics API and the alert preview answer them as Prometheus
 * does ("NaN", "+Inf", "-Inf"), never a 500 and never null, which stays "no value at this step".
 */
// A gauge from +70 s: 0, then NaN, +Inf, -Inf (OTLP/JSON spells them as strings), then 2.5.
const EDGE: [number, number | string][] = [
  [70_000, 0],
  [130_000, 'NaN'],
  [190_000, 'Infinity'],
  [250_000, '-Infinity'],
  [310_000, 2.5],
];

useSightline(() =>
  sendMetrics('edge', [
    {
      name: 'edge.values',
      gauge: {
        dataPoints: EDGE.map(([offsetMs, v]) => ({
          timeUnixNano: ns(BASE + offsetMs),
          asDouble: v,
        })),
      },
    },
  ]),
);

describe('NaN and infinities in metric answers', () => {
  it('returns them as Prometheus spells them, and null where a step has no value', async () => {
    for (const aggregation of ['sum', 'avg', 'last_over_time'] as const) {
      const r = await one({ metric: 'edge.values', aggregation });
      expect(r.series[0]!.points.map((p) => p[0])).toEqual(times);
      // Each step end reads the newest point: none yet at +60 s, then one value each.
      expect(values(r), aggregation).toEqual([null, 0, 'NaN', '+Inf', '-Inf', 2.5]);
    }
  });

  it('answers the raw JSON with the strings, and other queries of the request alongside', async () => {
    const res = await fetch(`${sightline().apiUrl}/api/v1/metrics/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        ...RANGE,
        queries: [
          { metric: 'edge.values', aggregation: 'max', range: '1m' },
          { metric: 'edge.values', aggregation: 'count', range: '1m' },
        ],
      }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    expect(text).toContain(`[${BASE + 3 * MIN},"NaN"]`);
    expect(text).toContain(`[${BASE + 4 * MIN},"+Inf"]`);
    expect(text).toContain(`[${BASE + 5 * MIN},"-Inf"]`);
    expect(text).toContain(`[${BASE + MIN},null]`);
    expect(text).toContain(`[${BASE + 2 * MIN},0]`);
  });

  it('replays an alert rule over them in the preview: a NaN breaches nothing', async () => {
    const res = await fetch(`${sightline().apiUrl}/api/v1/alerts/preview`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({
        rule: {
          name: 'edge',
          query: { kind: 'metric', metric: 'edge.values', aggregation: 'max', reduce: 'last' },
          condition: { op: '>', threshold: 1 },
          window: '1m',
          interval: '1m',
          for: '0s',
          severity: 'warning',
          channels: [],
        },
        hours: 1,
      }),
    });
    const text = await res.text();
    expect(res.status, text).toBe(200);
    const body = JSON.parse(text) as AlertPreviewResponse;
    const seen = new Set(body.series.flatMap((s) => s.points.map((p) => p[1])));
    for (const v of [null, 0, 'NaN', '+Inf', '-Inf', 2.5]) expect(seen).toContain(v);
    // +Inf and 2.5 breach "> 1"; NaN and -Inf do not.
    const firing = body.transitions.filter((t) => t.to === 'firing').map((t) => t.value);
    expect(firing).toEqual(expect.arrayContaining(['+Inf']));
    expect(firing).not.toContain('NaN');
    expect(body.transitions.every((t) => t.value !== 'NaN' || t.to !== 'firing')).toBe(true);
  });
});

describe('NaN and infinities in alert states and history', () => {
  it('stores and reads back the value an alert last saw, NaN and ±Inf included', async () => {
    const store = sightline().store;
    const at = Date.now();
    const alerts = [NaN, Infinity, -Infinity, 0, null].map((value, i) => ({
      ruleId: 'nan-rule',
      groupKey: `g${i}`,
      groupLabels: { i: String(i) },
      state: {
        state: 'firing' as const,
        value,
        activeSince: at,
        firedAt: at,
        resolvedAt: null,
      },
      evaluatedAtMs: at,
      notified: { state: '' as const, atMs: null },
      silenced: false,
    }));
    await saveStates(store, alerts, 1);
    const states = await loadStates(store, 'nan-rule');
    expect(states.map((s) => s.state.value)).toEqual([NaN, Infinity, -Infinity, 0, null]);

    await appendHistory(
      store,
      alerts.map((a) => ({
        ruleId: a.ruleId,
        ruleName: 'nan rule',
        groupKey: a.groupKey,
        groupLabels: a.groupLabels,
        from: 'pending' as const,
        to: 'firing' as const,
        value: a.state.value,
        threshold: 1,
        noData: false,
        silenced: false,
        atMs: at,
      })),
      1,
      'test',
    );
    const history = await readHistory(store, { ruleId: 'nan-rule', limit: 10 });
    const byGroup = Object.fromEntries(history.map((h) => [h.groupKey, h.value]));
    expect(byGroup).toEqual({ g0: 'NaN', g1: '+Inf', g2: '-Inf', g3: 0, g4: null });
  });
});
