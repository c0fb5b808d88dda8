import {
  AggregationTemporality,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
  type MetricData,
} from '@opentelemetry/sdk-metrics';
import { trace } from '@opentelemetry/api';
import { Readable } from 'node:stream';
import type { ClickHouseClient } from '@clickhouse/client';
import type { InsertExecParams } from '@sightline/store/insert';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-base';
import { pino } from 'pino';
import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { afterEach, describe, expect, it } from 'vitest';
import { setStartedSdk } from '../../sdk/src/sdk-state.ts';
import { logShipper } from '../../sdk/src/logger.ts';
import { isSelfService } from '@sightline/model/self-telemetry';
import { ROLES } from './roles.ts';
import { selfServiceName, traceInserts } from './self-telemetry.ts';
import { bridgeRegistry } from './self-telemetry-metrics.ts';
import { shipServerLogs } from './self-telemetry-logs.ts';

describe('selfServiceName', () => {
  it('names the all-in-one, and otherwise the roles in their usual order', () => {
    expect(selfServiceName(new Set(['receive', 'ingest', 'query', 'alerting']))).toBe(
      'sightline-all-in-one',
    );
    expect(selfServiceName(new Set(['receive']))).toBe('sightline-receive');
    expect(selfServiceName(new Set(['query', 'ingest']))).toBe('sightline-ingest-query');
  });

  it('gives every combination of roles a name the query side hides as its own', () => {
    for (let mask = 1; mask < 1 << ROLES.length; mask++) {
      const roles = new Set(ROLES.filter((_, i) => mask & (1 << i)));
      expect(isSelfService(selfServiceName(roles)), [...roles].join()).toBe(true);
    }
    for (const user of ['sightline', 'sightline-web', 'my-sightline-receive', 'checkout', ''])
      expect(isSelfService(user), user).toBe(false);
  });
});

describe('traceInserts', () => {
  it('puts each insert in a span named after its table, and passes every other call through', async () => {
    const exporter = new InMemorySpanExporter();
    const provider = new BasicTracerProvider({
      spanProcessors: [new SimpleSpanProcessor(exporter)],
    });
    trace.setGlobalTracerProvider(provider);
    const calls: string[] = [];
    const fake = {
      database: 'sightline',
      insert(params: { table: string }) {
        calls.push(`insert ${params.table}`);
        if (params.table.endsWith('bad')) return Promise.reject(new Error('refused'));
        return Promise.resolve({ executed: true });
      },
      exec(params: { query: string }) {
        calls.push(`exec ${params.query}`);
        return Promise.resolve({ query_id: 'q' });
      },
      ping() {
        // A method that needs its own `this`, as the real client's do.
        return Promise.resolve((this as { database: string }).database);
      },
    };
    const traced = traceInserts(fake as unknown as ClickHouseClient);
    await traced.insert({ table: '`sightline`.`otel_logs`', values: [[1], [2]] });
    await expect(traced.insert({ table: 'x.bad', values: [] })).rejects.toThrow('refused');
    expect(await traced.ping()).toBe('sightline');
    // The store's binary insert (exec with the table and row count beside the body) is traced too;
    // any other exec is not.
    const binary: InsertExecParams = {
      query: 'INSERT INTO `sightline`.`otel_traces` (`a`) FORMAT RowBinaryWithNamesAndTypes',
      values: Readable.from([Buffer.alloc(1)]),
      table: '`sightline`.`otel_traces`',
      rowCount: 3,
    };
    await traced.exec(binary);
    await traced.exec({ query: 'SYSTEM FLUSH LOGS' });
    expect(calls).toEqual([
      'insert `sightline`.`otel_logs`',
      'insert x.bad',
      `exec ${binary.query}`,
      'exec SYSTEM FLUSH LOGS',
    ]);
    const spans = exporter.getFinishedSpans();
    expect(spans.map((x) => [x.name, x.attributes['db.collection.name'], x.status.code])).toEqual([
      ['store insert', 'sightline.otel_logs', 0],
      ['store insert', 'x.bad', 2],
      ['store insert', 'sightline.otel_traces', 0],
    ]);
    expect(spans[0]?.attributes['db.response.returned_rows']).toBe(2);
    expect(spans[2]?.attributes['db.response.returned_rows']).toBe(3);
    trace.disable();
    await provider.shutdown();
  });
});

describe('bridgeRegistry', () => {
  it('reports the registry’s counters and gauges, with their labels, at each collection', async () => {
    const registry = new Registry();
    const items = new Counter({
      name: 'x_items_total',
      help: 'items',
      labelNames: ['signal'] as const,
      registers: [registry],
    });
    let depth = 3;
    new Gauge({
      name: 'x_queue_rows',
      help: 'rows',
      registers: [registry],
      collect() {
        this.set(depth);
      },
    });
    new Histogram({ name: 'x_seconds', help: 'not bridged', registers: [registry] });
    const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
    const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 60_000 });
    const provider = new MeterProvider({ readers: [reader] });
    const stop = bridgeRegistry(registry, provider.getMeter('test'));

    items.inc({ signal: 'traces' }, 5);
    items.inc({ signal: 'logs' }, 2);
    const first = await collect(reader);
    expect(points(first, 'x_items_total')).toEqual([
      [{ signal: 'traces' }, 5],
      [{ signal: 'logs' }, 2],
    ]);
    expect(points(first, 'x_queue_rows')).toEqual([[{}, 3]]);
    expect(first.map((m) => m.descriptor.name)).not.toContain('x_seconds');

    items.inc({ signal: 'traces' }, 1);
    depth = 0;
    const second = await collect(reader);
    expect(points(second, 'x_items_total')).toContainEqual([{ signal: 'traces' }, 6]);
    expect(points(second, 'x_queue_rows')).toEqual([[{}, 0]]);

    // Stopped: the registry is no longer read (the SDK may repeat the last value it had).
    stop();
    depth = 9;
    expect(points(await collect(reader), 'x_queue_rows')).not.toContainEqual([{}, 9]);
    await provider.shutdown();
  });
});

async function collect(reader: PeriodicExportingMetricReader): Promise<MetricData[]> {
  const { resourceMetrics } = await reader.collect();
  return resourceMetrics.scopeMetrics.flatMap((s) => s.metrics);
}

function points(all: MetricData[], name: string): [Record<string, unknown>, number][] {
  return all
    .filter((m) => m.descriptor.name === name)
    .flatMap((m) =>
      m.dataPoints.map((p): [Record<string, unknown>, number] => [p.attributes, p.value as number]),
    );
}

describe('shipServerLogs', () => {
  afterEach(() => setStartedSdk(undefined));

  it('ships lines of the chosen level and above from the logger and its children', () => {
    const shipped: string[] = [];
    setStartedSdk({
      config: {} as never,
      logSink: { ship: (lines) => shipped.push(...lines) },
      shutdown: () => Promise.resolve(),
      forceFlush: () => Promise.resolve(),
    });
    const printed: string[] = [];
    const logger = pino({ level: 'debug' }, { write: (line: string) => printed.push(line) });
    const stop = shipServerLogs(logger, 30);
    const child = logger.child({ role: 'receive' });
    logger.debug('too chatty');
    child.info('started');
    child.error({ rows: 3 }, 'insert failed');
    logShipper.drain();
    expect(printed).toHaveLength(3);
    expect(shipped.map((l) => (JSON.parse(l) as { msg: string }).msg)).toEqual([
      'started',
      'insert failed',
    ]);
    expect(JSON.parse(shipped[1] ?? '{}')).toMatchObject({ role: 'receive', rows: 3 });

    stop();
    logger.warn('after stop');
    logShipper.drain();
    expect(shipped).toHaveLength(2);
    expect(printed).toHaveLength(4);
  });
});
