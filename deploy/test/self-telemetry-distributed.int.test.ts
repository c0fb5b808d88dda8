import { describe, expect, it } from 'vitest';
import type { LogSearchResponse } from '@sightline/model/api/logs';
import type { MetricsQueryResponse } from '@sightline/model/api/metrics';
import { nowNanos } from './harness.ts';
import {
  backend,
  BACKEND,
  bySource,
  hasBoth,
  INTERNAL,
  INTERVAL_MS,
  metricSources,
  panels,
  postJson,
  receive,
  RECEIVE,
  result,
  select,
  sleep,
  spansPerService,
  type Source,
  useDistributedSelfTelemetry,
  waitFor,
  warnings,
  withData,
} from './self-telemetry-distributed-setup.ts';

useDistributedSelfTelemetry();

describe('self-telemetry in the distributed mode (receive → Kafka → ingest)', () => {
  it('stores spans, logs and metric points of each role process, named after its roles', async () => {
    const spans = Array.from({ length: 25 }, (_, i) => ({
      traceId: 'd'.repeat(32),
      spanId: (i + 1).toString(16).padStart(16, '0'),
      name: 'checkout',
      startTimeUnixNano: nowNanos(-5),
      endTimeUnixNano: nowNanos(),
    }));
    const res = await postJson(`${receive.otlpUrl}/v1/traces`, {
      resourceSpans: [
        {
          resource: { attributes: [{ key: 'service.name', value: { stringValue: 'shop' } }] },
          scopeSpans: [{ spans }],
        },
      ],
    });
    expect(res.status).toBe(200);

    // Each process's own log lines, shipped through Kafka, tagged with who sent them.
    const started = await waitFor(
      "each process's 'self-telemetry on' line",
      () =>
        select<Source>(
          `SELECT ServiceName AS service, ResourceAttributes['sightline.roles'] AS roles,
                  toString(count()) AS n
           FROM sightline.otel_logs WHERE ${INTERNAL} AND Body = 'self-telemetry on'
           GROUP BY service, roles`,
        ),
      hasBoth,
    );
    expect(started.map((r) => r.service).sort()).toEqual([BACKEND.service, RECEIVE.service]);
    expect(hasBoth(await bySource('otel_logs'))).toBe(true);

    // Metric points from both, each bridged from that process's own Prometheus registry.
    expect(hasBoth(await waitFor('metric points of both processes', metricSources, hasBoth))).toBe(
      true,
    );

    // Spans: one per insert, so only the process that inserts has them. The shop's spans are
    // stored by a traced insert into otel_traces (with whatever else that Kafka batch held).
    const inserts = await waitFor(
      'insert spans of the ingest process',
      () =>
        select<{ service: string; roles: string; rows: string }>(
          `SELECT ServiceName AS service, ResourceAttributes['sightline.roles'] AS roles,
                  SpanAttributes['db.response.returned_rows'] AS rows
           FROM sightline.otel_traces
           WHERE ${INTERNAL} AND SpanName = 'store insert'
             AND SpanAttributes['db.collection.name'] = 'sightline.otel_traces'`,
        ),
      (r) => r.some((x) => Number(x.rows) >= 25),
    );
    expect(new Set(inserts.map((r) => `${r.service} ${r.roles}`))).toEqual(
      new Set([`${BACKEND.service} ${BACKEND.roles}`]),
    );
    const shop = await select<{ n: string; internal: string }>(
      `SELECT toString(count()) AS n, any(ResourceAttributes['sightline.internal']) AS internal
       FROM sightline.otel_traces WHERE ServiceName = 'shop'`,
    );
    expect(shop).toEqual([{ n: '25', internal: '' }]);
  }, 180_000);

  it('has the pipeline metrics of each role, and the Pipeline page’s queries show them', async () => {
    // A refusal for the receive side's counters: not JSON at all.
    const bad = await fetch(`${receive.otlpUrl}/v1/traces`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: '{"resourceSpans": [',
    });
    expect(bad.status).toBe(400);

    const metricOf = (metric: string, table: string, extra = '') =>
      select<{ service: string; attrs: string }>(
        `SELECT DISTINCT ServiceName AS service, toJSONString(Attributes) AS attrs
         FROM sightline.${table}
         WHERE ${INTERNAL} AND MetricName = {metric:String} ${extra}`,
        { metric },
      );

    // Ingest: consumer lag, per topic and partition, read from Kafka at each export.
    const lag = await waitFor(
      'consumer lag',
      () => metricOf('sightline_kafka_consumer_lag', 'otel_metrics_gauge'),
      (r) => r.some((x) => x.attrs.includes('"otlp_spans"')),
    );
    expect(new Set(lag.map((r) => r.service))).toEqual(new Set([BACKEND.service]));
    const topics = new Set(lag.map((r) => (JSON.parse(r.attrs) as { topic: string }).topic));
    expect(topics).toEqual(new Set(['otlp_spans', 'otlp_logs', 'otlp_metrics']));

    // Receive: items received and requests answered, refusals included.
    const received = await waitFor(
      'received and refused counts',
      () =>
        Promise.all([
          metricOf(
            'sightline_otlp_items_total',
            'otel_metrics_sum',
            "AND Attributes['signal'] = 'traces' AND Attributes['outcome'] = 'accepted'",
          ),
          metricOf(
            'sightline_otlp_requests_total',
            'otel_metrics_sum',
            "AND Attributes['status'] = '400'",
          ),
        ]),
      ([items, refused]) => items.length > 0 && refused.length > 0,
    );
    for (const rows of received) {
      expect(new Set(rows.map((r) => r.service))).toEqual(new Set([RECEIVE.service]));
    }
    const stored = await metricOf('sightline_ingest_rows_total', 'otel_metrics_sum');
    expect(new Set(stored.map((r) => r.service))).toEqual(new Set([BACKEND.service]));

    // The Pipeline page's own request, against the query role, over the last ten minutes. A rate
    // needs two points of a counter in its window (as in Prometheus): the refusal counter's
    // second export may still be on its way.
    const now = Date.now();
    const results = await waitFor(
      'a rate of refusals',
      async () => {
        const charts = await postJson(
          `${backend.apiUrl}/api/v1/metrics/query`,
          panels.pipelineRequest(now - 600_000, Date.now() + 60_000),
        );
        expect(charts.status).toBe(200);
        return ((await charts.json()) as MetricsQueryResponse).results;
      },
      (r) => withData(result(r, 'refusals:0')).length > 0,
    );
    expect(withData(result(results, 'lag:0')).map((s) => s.labels.topic)).toEqual(
      expect.arrayContaining(['otlp_spans', 'otlp_logs', 'otlp_metrics']),
    );
    expect(withData(result(results, 'items:0')).map((s) => s.labels.signal)).toContain('traces');
    expect(withData(result(results, 'refusals:0')).map((s) => s.labels.status)).toContain('400');
    expect(withData(result(results, 'errors:1'))).not.toHaveLength(0);
    expect(withData(result(results, 'latency:0'))).not.toHaveLength(0);
    // No in-process queue with Kafka in between: the panel is empty and says to read the lag.
    expect(withData(result(results, 'queue:0'))).toEqual([]);

    // In a cluster the page can tell processes apart by the roles tag each one sends.
    const perRole = await postJson(`${backend.apiUrl}/api/v1/metrics/query`, {
      from: String(now - 600_000),
      to: String(now + 60_000),
      queries: [
        {
          id: 'rss',
          metric: 'sightline_process_resident_memory_bytes',
          aggregation: 'max',
          filters: [panels.INTERNAL_FILTER],
          groupBy: ['service.name', 'resource.sightline.roles'],
        },
      ],
    });
    expect(perRole.status).toBe(200);
    const rss = result(((await perRole.json()) as MetricsQueryResponse).results, 'rss');
    expect(withData(rss).map((s) => s.labels)).toEqual(
      expect.arrayContaining([
        { 'service.name': RECEIVE.service, 'resource.sightline.roles': RECEIVE.roles },
        { 'service.name': BACKEND.service, 'resource.sightline.roles': BACKEND.roles },
      ]),
    );

    // The page's list of internal warnings and errors answers; and the receive process's own
    // lines are found by service, as the page's "all of Sightline's own logs" link searches
    // (showing Sightline's own logs, which searches hide by default).
    const from = now - 600_000;
    const logsUrl = (q: string, limit: number) =>
      `${backend.apiUrl}/api/v1/logs?${new URLSearchParams({ q, from: String(from), limit: String(limit), selfTelemetry: 'show' }).toString()}`;
    const problems = await fetch(logsUrl(panels.INTERNAL_PROBLEMS_QUERY, 20));
    expect(problems.status).toBe(200);
    const receiveLogs = await fetch(
      logsUrl(`resource.sightline.internal:true service:${RECEIVE.service}`, 100),
    );
    expect(receiveLogs.status).toBe(200);
    const lines = ((await receiveLogs.json()) as LogSearchResponse).rows;
    expect(lines.map((l) => l.body)).toContain('self-telemetry on');
    expect(new Set(lines.map((l) => l.service))).toEqual(new Set([RECEIVE.service]));
  }, 180_000);

  it('does not feed on itself: receiving internal telemetry adds no span, insert spans stay steady', async () => {
    // Let the echo of the earlier traffic die down, then measure two equal windows.
    await sleep(4 * INTERVAL_MS);
    const windowMs = 8 * INTERVAL_MS;
    const requestsAt = async () => {
      const rows = await select<{ v: number }>(
        `SELECT sum(v) AS v FROM (
           SELECT max(Value) AS v FROM sightline.otel_metrics_sum
           WHERE ${INTERNAL} AND ServiceName = {s:String}
             AND MetricName = 'sightline_otlp_requests_total' AND Attributes['status'] = '200'
           GROUP BY Attributes['signal'])`,
        { s: RECEIVE.service },
      );
      return Number(rows[0]?.v ?? 0);
    };
    const spans0 = await spansPerService();
    const req0 = await requestsAt();
    await sleep(windowMs);
    const spans1 = await spansPerService();
    const req1 = await requestsAt();
    await sleep(windowMs);
    const spans2 = await spansPerService();
    const req2 = await requestsAt();

    const grew = (a: Map<string, number>, b: Map<string, number>, service: string) =>
      (b.get(service) ?? 0) - (a.get(service) ?? 0);
    const first = grew(spans0, spans1, BACKEND.service);
    const second = grew(spans1, spans2, BACKEND.service);
    console.log(
      `internal spans per ${windowMs} ms window: ${first}, ${second}; requests received by receive: ${req1 - req0}, ${req2 - req1}`,
    );
    // The receive process takes in every export of both processes, and makes no span for any.
    expect(req2 - req1).toBeGreaterThan(0);
    expect(spans2.get(RECEIVE.service) ?? 0).toBe(0);
    // Ingest: a span per insert, a few per export (one per table written), not growing.
    expect(second).toBeGreaterThan(0);
    expect(second).toBeLessThanOrEqual(first * 1.5 + 40);
    const exportsPerWindow = 2 * (windowMs / INTERVAL_MS + 2);
    expect(second).toBeLessThanOrEqual(exportsPerWindow * 8);
  }, 180_000);

  it('stops cleanly: the last lines of receive are stored, and ingest stops after it, no SDK warning', async () => {
    // Receive first: its last lines (the drain notice) are flushed to its own listener, which
    // still publishes them to Kafka, and the ingest process stores them.
    receive.process.kill('SIGTERM');
    expect(await receive.exited).toBe(0);
    const drained = await waitFor(
      "the receive process's last log line",
      () =>
        select<{ body: string }>(
          `SELECT Body AS body FROM sightline.otel_logs
           WHERE ${INTERNAL} AND ServiceName = {s:String} AND Body LIKE 'draining%'`,
          { s: RECEIVE.service },
        ),
      (r) => r.length > 0,
    );
    expect(drained).toHaveLength(1);
    const started = Date.now();
    await backend.close();
    // Its final export has no receiver left: shutdown gives up after its bound instead of hanging.
    console.log(`ingest process closed ${Date.now() - started} ms after its receiver was gone`);
    // The child's output was captured (its start-up line is in it), so a warning would show.
    expect(receive.output()).toContain('self-telemetry on');
    const sdkProblems = [
      ...warnings.map((w) => `${(w as Error & { code?: string }).code}: ${w.message}`),
      ...receive.output().split('\n'),
    ].filter((line) => line.includes('SL_ERR_SDK'));
    expect(sdkProblems).toEqual([]);
  }, 120_000);
});
