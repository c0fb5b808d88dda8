import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { logLevel } from 'kafkajs';
import { pino } from 'pino';
import { afterAll, beforeAll } from 'vitest';
import type {
  MetricFilter,
  MetricQueryResult,
  MetricsQueryRequest,
} from '@sightline/model/api/metrics';
import { MOCK_CONSUMER } from '../../collector/test/kafka-mock/mock-consumer.ts';
import { startMockBroker, type MockBroker } from '../../collector/test/kafka-mock/mock-broker.ts';
import { startRoles, type RunningRoles } from '../src/start-roles.ts';
import { startChildSightline, type ChildSightline } from './fuzz/child-sightline.ts';
import { testConfig } from './harness.ts';

// The set-up of self-telemetry-distributed.int.test.ts.
// Self-telemetry in the distributed mode, split as docs/deployment.md runs it: a receive process
// (the `sightline` command, SIGHTLINE_ROLES=receive) publishing to Kafka, and an
// ingest+query+alerting process (this test's own, which owns the embedded store). Each sends its
// own telemetry to the receive process's OTLP listener, so it travels through Kafka like anyone's.
// Two processes because the SDK is process-global: one process, one self-telemetry identity.
export const TOPICS = { otlp_spans: 4, otlp_logs: 2, otlp_metrics: 2, sightline_dead_letter: 1 };
export const INTERVAL_MS = 1000;
export const RECEIVE = { service: 'sightline-receive', roles: 'receive' };
export const BACKEND = {
  service: 'sightline-ingest-query-alerting',
  roles: 'ingest,query,alerting',
};
export const INTERNAL = "ResourceAttributes['sightline.internal'] = 'true'";

// The Pipeline page's own queries, so the test asks exactly what the page asks. Loaded at run time:
// the dashboard is type-checked by its own tsconfig (it needs JSX), not the root one.
export interface PipelinePanels {
  readonly INTERNAL_FILTER: MetricFilter;
  readonly INTERNAL_PROBLEMS_QUERY: string;
  pipelineRequest(from: number, to: number): MetricsQueryRequest;
}
const PANELS_MODULE = new URL('../../dashboard/src/views/pipeline-panels.ts', import.meta.url).href;
export let panels: PipelinePanels;

let broker: MockBroker;
export let receive: ChildSightline;
export let backend: RunningRoles;
// Warnings the SDK raises in this process (SL_ERR_SDK_…), e.g. a failed final flush.
export const warnings: Error[] = [];
const onWarning = (w: Error): void => void warnings.push(w);

function startReceive(): Promise<ChildSightline> {
  return startChildSightline(
    mkdtempSync(join(tmpdir(), 'sightline-st-receive-')),
    {
      SIGHTLINE_ROLES: 'receive',
      SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(','),
      // Info lines are what self-telemetry ships; they also land on stdout, kept below.
      SIGHTLINE_LOG_LEVEL: 'info',
      SIGHTLINE_SELF_TELEMETRY: 'on',
      SIGHTLINE_SELF_TELEMETRY_INTERVAL_MS: String(INTERVAL_MS),
    },
    90_000,
    { api: false },
  );
}

/**
 * Starts the mock broker, the receive process and this process's ingest+query+alerting roles before
 * the file's tests, and stops what is still running after them.
 */
export function useDistributedSelfTelemetry(): void {
  beforeAll(async () => {
    process.on('warning', onWarning);
    panels = (await import(PANELS_MODULE)) as PipelinePanels;
    broker = await startMockBroker({ topics: TOPICS });
    receive = await startReceive();
    backend = await startRoles(
      testConfig({
        SIGHTLINE_ROLES: 'ingest,query,alerting',
        SIGHTLINE_KAFKA_BROKERS: broker.brokers.join(','),
        SIGHTLINE_SELF_TELEMETRY: 'on',
        SIGHTLINE_SELF_TELEMETRY_ENDPOINT: receive.otlpUrl,
        SIGHTLINE_SELF_TELEMETRY_INTERVAL_MS: String(INTERVAL_MS),
      }),
      // Lines of level info and above are what gets shipped; printing them is not the point here.
      pino({ level: 'info' }, { write: () => undefined }),
      {
        // The mock broker needs short timeouts and a patient assigner (mock-consumer.ts).
        kafkaClient: { logLevel: logLevel.NOTHING },
        consumer: MOCK_CONSUMER,
      },
    );
  }, 180_000);

  afterAll(async () => {
    process.off('warning', onWarning);
    if (receive && receive.process.exitCode === null && receive.process.signalCode === null) {
      receive.process.kill('SIGKILL');
    }
    await backend?.close();
    await broker?.stop();
  }, 60_000);
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function select<T>(query: string, params: Record<string, unknown> = {}): Promise<T[]> {
  const rs = await backend.store!.reader.query({
    query,
    query_params: params,
    format: 'JSONEachRow',
  });
  return rs.json<T>();
}

export async function waitFor<T>(what: string, read: () => Promise<T>, done: (v: T) => boolean) {
  const deadline = Date.now() + 90_000;
  let last = await read();
  while (!done(last)) {
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}: ${JSON.stringify(last)}`);
    }
    await sleep(500);
    last = await read();
  }
  return last;
}

export interface Source {
  service: string;
  roles: string;
  n: string;
}

/** Internal items of one table by sending process: service.name and the sightline.roles tag. */
export function bySource(table: string): Promise<Source[]> {
  return select<Source>(
    `SELECT ServiceName AS service, ResourceAttributes['sightline.roles'] AS roles,
            toString(count()) AS n
     FROM sightline.${table} WHERE ${INTERNAL} GROUP BY service, roles ORDER BY service`,
  );
}

const METRIC_TABLES = ['otel_metrics_gauge', 'otel_metrics_sum', 'otel_metrics_histogram'];

export async function metricSources(): Promise<Source[]> {
  const all = (await Promise.all(METRIC_TABLES.map(bySource))).flat();
  const merged = new Map<string, Source>();
  for (const s of all) {
    const key = `${s.service}/${s.roles}`;
    const prev = merged.get(key);
    merged.set(key, { ...s, n: String(Number(prev?.n ?? 0) + Number(s.n)) });
  }
  return [...merged.values()];
}

export const hasBoth = (rows: Source[]) =>
  [RECEIVE, BACKEND].every((p) =>
    rows.some((r) => r.service === p.service && r.roles === p.roles && Number(r.n) > 0),
  );

/** Internal spans stored so far, per sending service. */
export async function spansPerService(): Promise<Map<string, number>> {
  const rows = await bySource('otel_traces');
  return new Map(rows.map((r) => [r.service, Number(r.n)]));
}

export async function postJson(url: string, body: unknown): Promise<Response> {
  return fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify(body),
  });
}

export function result(results: readonly MetricQueryResult[], id: string): MetricQueryResult {
  const r = results.find((x) => x.id === id);
  if (!r) throw new Error(`no result ${id}`);
  return r;
}

export const withData = (r: MetricQueryResult) =>
  r.series.filter((s) => s.points.some(([, v]) => v !== null));
