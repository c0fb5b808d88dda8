/**
 * The alert rule page's history chart: POST /alerts/preview replays a rule at 60 instants over the
 * last hour. Measured on BENCH_ALERT_ROWS spans and as many logs over 24 h (default 1,000,000),
 * embedded store, in one run:
 * - "one query per instant": the replay as it was, 60 queries one after another;
 * - "preview": previewRule as it is now (a log rule is one scan; other kinds, 4 instants at a time);
 * - "ceiling": one query reading the same hour of matching rows once, grouped as the rule groups:
 *   the least the engine needs to look at the data the chart covers.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { AlertQuery, AlertRuleInput } from '@sightline/model/api/alerts';
import { createStoreClients } from '@sightline/store/client-factory';
import { migrate } from '@sightline/store/migrate';
import { evaluateQuery } from '../src/alerts/evaluate-query.ts';
import { previewRule } from '../src/alerts/preview.ts';
import { quantile } from './bench-measure.ts';
import { DB, load, rows, settle } from './bench-store.ts';

const ROWS = Number(process.env.BENCH_ALERT_ROWS ?? 1_000_000);
const RUNS = Number(process.env.BENCH_ALERT_RUNS ?? 7);

const rule = (query: AlertQuery): AlertRuleInput => ({
  name: 'bench',
  query,
  condition: { op: '>', threshold: 1 },
  window: '5m',
  interval: '1m',
  for: '2m',
  severity: 'warning',
  groupBy: ['service'],
  channels: [],
});

async function median(fn: () => Promise<unknown>): Promise<number> {
  await fn();
  const ms: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    const t0 = performance.now();
    await fn();
    ms.push(performance.now() - t0);
  }
  return quantile(ms, 0.5);
}

export async function run(): Promise<void> {
  console.log(`\n## alert history chart (preview of 1 h, 60 instants) — ${ROWS} spans and logs`);
  const dataDir = mkdtempSync(join(tmpdir(), 'sl-bench-alert-'));
  const store = createStoreClients({ dataDir, database: DB });
  try {
    await migrate(store.writer, DB, { tracesDays: 0, logsDays: 0, metricsDays: 0 });
    const nowMs = Date.now();
    await load(store, nowMs, ROWS, 25_000);
    await settle(store);
    const target = { client: store.reader, database: DB };
    const kinds: [string, AlertQuery, string][] = [
      [
        'log count, level:error by service',
        { kind: 'log_count', q: 'level:error' },
        `SELECT ServiceName, count() FROM ${DB}.otel_logs WHERE TimestampTime >= toDateTime({f:UInt32})
          AND TimestampTime < toDateTime({t:UInt32}) AND SeverityNumber BETWEEN 17 AND 20 GROUP BY ServiceName`,
      ],
      [
        'trace p95 by operation',
        { kind: 'trace_red', measure: 'latency', percentile: 'p95', service: 'checkout' },
        `SELECT SpanName, quantileExactInclusive(0.95)(Duration) FROM ${DB}.otel_traces
          WHERE ServiceName = 'checkout' AND Timestamp >= fromUnixTimestamp({f:UInt32})
          AND Timestamp < fromUnixTimestamp({t:UInt32}) GROUP BY SpanName`,
      ],
    ];
    console.log(
      '| rule | one query per instant p50 | preview p50 | ceiling p50 | before/after | after/ceiling |',
    );
    console.log('|---|---:|---:|---:|---:|---:|');
    for (const [name, query, ceilingSql] of kinds) {
      const r = rule(query);
      const groupBy = query.kind === 'trace_red' ? ['operation'] : ['service'];
      const req = { rule: { ...r, groupBy }, hours: 1 };
      const atMs = Date.now();
      const before = await median(async () => {
        for (let i = 0; i < 60; i++) {
          await evaluateQuery(target, query, groupBy, 300_000, atMs - (59 - i) * 60_000);
        }
      });
      const after = await median(() => previewRule(target, req, atMs));
      const params = { f: Math.floor((atMs - 3_900_000) / 1000), t: Math.ceil(atMs / 1000) };
      const ceiling = await median(() => rows(store.reader, ceilingSql, params));
      const f = (ms: number) => `${ms.toFixed(0)} ms`;
      console.log(
        `| ${name} | ${f(before)} | ${f(after)} | ${f(ceiling)} | ${(before / after).toFixed(1)}× | ${(after / ceiling).toFixed(1)}× |`,
      );
    }
  } finally {
    await store.close();
    rmSync(dataDir, { recursive: true, force: true });
  }
}
