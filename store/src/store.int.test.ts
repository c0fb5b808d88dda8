import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ROW_KINDS, type GaugeRow, type SpanRow } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from './client-factory.ts';
import { COLUMNS, TABLES } from './columns.ts';
import { insertRows } from './insert.ts';
import { migrate } from './migrate.ts';
import { MIGRATIONS } from './migrations.ts';
import { applyRetention } from './retention.ts';

const retention = { tracesDays: 7, logsDays: 7, metricsDays: 30 };
let store: StoreClients;

beforeAll(() => {
  store = createStoreClients({ dataDir: mkdtempSync(join(tmpdir(), 'sl-store-')), database: 'sl' });
});
afterAll(async () => store.close());

async function rows<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await store.reader.query({ query, query_params: params, format: 'JSONEachRow' });
  return rs.json<T>();
}

describe('store', () => {
  it('creates every table once and records the migration', async () => {
    const first = await migrate(store.writer, 'sl', retention);
    expect(first.applied).toEqual(MIGRATIONS.map((m) => m.version));
    const second = await migrate(store.writer, 'sl', retention);
    expect(second.applied).toEqual([]);
    expect(second.alreadyApplied).toEqual(first.applied);
    const tables = await rows<{ name: string }>(
      "SELECT name FROM system.tables WHERE database = 'sl' ORDER BY name",
    );
    expect(tables.map((t) => t.name)).toEqual([
      'alert_deliveries',
      'alert_history',
      'alert_lease',
      'alert_rules',
      'alert_silences',
      'alert_states',
      'otel_logs',
      'otel_metrics_exp_histogram',
      'otel_metrics_gauge',
      'otel_metrics_histogram',
      'otel_metrics_sum',
      'otel_metrics_summary',
      'otel_traces',
      'otel_traces_trace_id_ts',
      'otel_traces_trace_id_ts_mv',
      'schema_migrations',
      'sightline_api_keys',
      'sightline_dashboards',
      'sightline_ingest_batches',
      'sightline_red_histogram_1m',
      'sightline_red_histogram_1m_mv',
      'sightline_saved_searches',
      'sightline_service_edge_orphans',
      'sightline_service_edge_orphans_mv',
      'sightline_service_edges',
      'sightline_service_edges_mv',
      'sightline_sessions',
      'sightline_trace_summaries',
      'sightline_trace_summaries_mv',
      'sightline_users',
    ]);
  });

  it('inserts exactly the columns each table stores', async () => {
    for (const kind of ROW_KINDS) {
      const cols = await rows<{ name: string }>(
        `SELECT name FROM system.columns WHERE database = 'sl' AND table = {t:String}
         AND default_kind NOT IN ('ALIAS', 'MATERIALIZED', 'DEFAULT') ORDER BY position`,
        { t: TABLES[kind] },
      );
      expect(
        cols.map((c) => c.name),
        kind,
      ).toEqual([...COLUMNS[kind]]);
    }
  });

  it('keeps nanosecond timestamps and drops a replayed block with the same token', async () => {
    // Recent times: rows older than the retention would be dropped on insert.
    const ts = `${Math.floor(Date.now() / 1000)}123456789`;
    const eventTs = `${Math.floor(Date.now() / 1000)}123456790`;
    const span: SpanRow = {
      Timestamp: ts,
      TraceId: '0af7651916cd43dd8448eb211c80319c',
      SpanId: 'b7ad6b7169203331',
      ParentSpanId: '',
      TraceState: '',
      SpanName: 'GET /',
      SpanKind: 'Server',
      ServiceName: 'web',
      ResourceAttributes: { 'service.name': 'web' },
      ScopeName: 's',
      ScopeVersion: '1',
      SpanAttributes: { 'http.status_code': '200' },
      Duration: '18446744073709551615',
      StatusCode: 'Ok',
      StatusMessage: '',
      'Events.Timestamp': [eventTs],
      'Events.Name': ['e'],
      'Events.Attributes': [{ a: 'b' }],
      'Links.TraceId': [],
      'Links.SpanId': [],
      'Links.TraceState': [],
      'Links.Attributes': [],
    };
    await insertRows(store.writer, 'sl', 'spans', [span], 'tok-1');
    await insertRows(store.writer, 'sl', 'spans', [span], 'tok-1');
    const got = await rows<{ ts: string; d: string; ev: string[] }>(
      `SELECT toString(toUnixTimestamp64Nano(Timestamp)) AS ts, Duration AS d,
       arrayMap(t -> toString(toUnixTimestamp64Nano(t)), Events.Timestamp) AS ev FROM sl.otel_traces`,
    );
    expect(got).toEqual([{ ts, d: '18446744073709551615', ev: [eventTs] }]);
    const ids = await rows<{ TraceId: string }>('SELECT TraceId FROM sl.otel_traces_trace_id_ts');
    expect(ids).toEqual([{ TraceId: span.TraceId }]);
  });

  it('stores NaN, infinities, zero and negative zero as themselves', async () => {
    const now = `${Math.floor(Date.now() / 1000)}000000000`;
    const gauge = (name: string, Value: number, ex: number[] = []): GaugeRow => ({
      ResourceAttributes: {},
      ResourceSchemaUrl: '',
      ScopeName: '',
      ScopeVersion: '',
      ScopeAttributes: {},
      ScopeDroppedAttrCount: 0,
      ScopeSchemaUrl: '',
      ServiceName: 'nan-svc',
      MetricName: name,
      MetricDescription: '',
      MetricUnit: '',
      Attributes: {},
      StartTimeUnix: '0'.padStart(19, '0'),
      TimeUnix: now,
      Value,
      Flags: Number.isNaN(Value) ? 1 : 0,
      'Exemplars.FilteredAttributes': ex.map(() => ({})),
      'Exemplars.TimeUnix': ex.map(() => now),
      'Exemplars.Value': ex,
      'Exemplars.SpanId': ex.map(() => ''),
      'Exemplars.TraceId': ex.map(() => ''),
    });
    const values = [NaN, Infinity, -Infinity, 0, -0, 1.5e-300, -2.5];
    await insertRows(
      store.writer,
      'sl',
      'gauge',
      values.map((v, i) => gauge(`g${i}`, v, [v, Infinity])),
    );
    const got = await rows<{ MetricName: string; v: string; f: number; ex: string[] }>(
      `SELECT MetricName, toString(Value) AS v, Flags AS f, arrayMap(x -> toString(x), Exemplars.Value) AS ex
       FROM sl.otel_metrics_gauge WHERE ServiceName = 'nan-svc' ORDER BY MetricName`,
    );
    const text = ['nan', 'inf', '-inf', '0', '-0', '1.5e-300', '-2.5'];
    expect(got).toEqual(
      text.map((v, i) => ({ MetricName: `g${i}`, v, f: i === 0 ? 1 : 0, ex: [v, 'inf'] })),
    );
  });

  it('changes the retention of existing tables', async () => {
    const changed = await applyRetention(store.writer, 'sl', { ...retention, logsDays: 3 });
    expect(changed).toEqual(['otel_logs']);
    const [t] = await rows<{ engine_full: string }>(
      "SELECT engine_full FROM system.tables WHERE database = 'sl' AND name = 'otel_logs'",
    );
    expect(t?.engine_full).toContain('toIntervalDay(3)');
    expect(await applyRetention(store.writer, 'sl', { ...retention, logsDays: 3 })).toEqual([]);
    // The trace tables, the summaries, RED histograms and the service graph included, follow the
    // traces' retention.
    expect(
      await applyRetention(store.writer, 'sl', { ...retention, logsDays: 3, tracesDays: 5 }),
    ).toEqual([
      'otel_traces',
      'otel_traces_trace_id_ts',
      'sightline_trace_summaries',
      'sightline_red_histogram_1m',
      'sightline_service_edges',
      'sightline_service_edge_orphans',
    ]);
  });
});
