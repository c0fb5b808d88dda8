import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { SpanRow } from '@sightline/model/rows';
import { createStoreClients, type StoreClients } from '../client-factory.ts';
import { insertRows } from '../insert.ts';
import { migrate } from '../migrate.ts';
import { MIGRATIONS } from '../migrations.ts';
import { hex, spanMaker } from './span-fixture.ts';
import {
  backfillTraceSummaries,
  SUMMARY_COLUMNS,
  TRACE_SUMMARIES_TABLE,
  type TraceSummaryRow,
} from './trace-summaries.ts';

const retention = { tracesDays: 0, logsDays: 0, metricsDays: 0 };
const DB = 'sl';
let store: StoreClients;

beforeAll(() => {
  store = createStoreClients({ dataDir: mkdtempSync(join(tmpdir(), 'sl-summ-')), database: DB });
});
afterAll(async () => store.close());

const BASE = 1_714_560_000_000_000_000n; // 2024-05-01T10:40:00Z
const span = spanMaker(BASE);

interface Summary extends TraceSummaryRow {
  keys: string[];
}

/** What the summary of these (distinct) spans must be, computed here from the rows themselves. */
function expected(spans: readonly SpanRow[]): Summary[] {
  const byTrace = new Map<string, SpanRow[]>();
  for (const s of spans) byTrace.set(s.TraceId, [...(byTrace.get(s.TraceId) ?? []), s]);
  return [...byTrace.entries()]
    .map(([traceId, list]) => {
      const start = (s: SpanRow) => BigInt(s.Timestamp);
      const startNs = list.map(start).reduce((a, b) => (a < b ? a : b));
      const endNs = list
        .map((s) => start(s) + BigInt(s.Duration))
        .reduce((a, b) => (a > b ? a : b));
      const roots = list.filter((s) => s.ParentSpanId === '');
      const order = (a: SpanRow, b: SpanRow) =>
        start(a) !== start(b)
          ? start(a) < start(b)
            ? -1
            : 1
          : `${a.ServiceName}\0${a.SpanName}` < `${b.ServiceName}\0${b.SpanName}`
            ? -1
            : 1;
      const root = [...(roots.length > 0 ? roots : list)].sort(order)[0]!;
      const keys = new Set(list.map((s) => [s.ServiceName, s.SpanName, s.StatusCode].join('\x1f')));
      const lastStartNs = list.map(start).reduce((a, b) => (a > b ? a : b));
      return {
        traceId,
        startNs: startNs.toString(),
        durationNs: (endNs - startNs).toString(),
        spanCount: String(list.length),
        services: [...new Set(list.map((s) => s.ServiceName))].sort(),
        errorCount: String(list.filter((s) => s.StatusCode === 'Error').length),
        rootCount: String(roots.length),
        rootService: root.ServiceName,
        rootName: root.SpanName,
        lastStartNs: lastStartNs.toString(),
        keys: [...keys].sort(),
      };
    })
    .sort((a, b) => (a.traceId < b.traceId ? -1 : 1));
}

async function summaries(): Promise<Summary[]> {
  const rs = await store.reader.query({
    query: `SELECT * EXCEPT (root, spanKeys), arraySort(spanKeys) AS keys
      FROM (SELECT ${SUMMARY_COLUMNS} FROM ${DB}.${TRACE_SUMMARIES_TABLE} GROUP BY TraceId)
      ORDER BY traceId`,
    format: 'JSONEachRow',
  });
  return rs.json<Summary>();
}

const optimize = () =>
  store.writer.command({ query: `OPTIMIZE TABLE ${DB}.${TRACE_SUMMARIES_TABLE} FINAL` });

describe('trace summaries', () => {
  it('backfills the spans stored before the view, once', async () => {
    await migrate(store.writer, DB, retention, {
      migrations: MIGRATIONS.filter((m) => m.version < 12),
    });
    const t = hex(0xb1, 32);
    const old = [
      span({ trace: t, service: 'früh', name: 'GET /ä', at: 0n, dur: 5n }),
      span({ trace: t, service: 'db', name: 'q', at: 1n, dur: 9n, status: 'Error', parent: 'x' }),
    ];
    await insertRows(store.writer, DB, 'spans', old);
    await migrate(store.writer, DB, retention);
    // Run again as if the migration were cut short after it: the table is no longer empty.
    await store.writer.command({
      query: backfillTraceSummaries({ database: DB, textIndex: true, retention }),
    });
    expect(await summaries()).toEqual(expected(old));
  });

  it('equals the spans when a trace arrives in several batches, late, out of order and twice', async () => {
    const before = await summaries();
    const a = hex(0xa1, 32);
    const b = hex(0xa2, 32);
    const root = span({ trace: a, service: 'frontend', name: 'GET /', at: 1_000n, dur: 500n });
    const child = (at: bigint, service: string, name: string, status?: string) =>
      span({
        trace: a,
        parent: root.SpanId,
        service,
        name,
        at,
        dur: 7n,
        ...(status ? { status } : {}),
      });
    const children1 = [child(1_010n, 'cart', 'get'), child(1_020n, 'payment', 'charge', 'Error')];
    const children2 = [child(1_400n, 'cart', 'get'), child(1_490n, '', '', 'Ok')];
    // A span that ends long after the root (fire and forget), arriving in a later batch.
    const late = child(5_000_000_000n, 'mailer', 'send ✉');
    // A trace with no root span: two children whose parent never arrives.
    const orphans = [
      span({ trace: b, parent: 'gone', service: 'ledger', name: 'write', at: 2_000n, dur: 3n }),
      span({ trace: b, parent: 'gone', service: 'audit', name: 'write', at: 2_000n, dur: 1n }),
    ];
    await insertRows(store.writer, DB, 'spans', children2, 'p0:0-1'); // children first
    await insertRows(store.writer, DB, 'spans', [...children1, orphans[0]!], 'p0:2-4');
    await insertRows(store.writer, DB, 'spans', children2, 'p0:0-1'); // replayed: dropped
    await insertRows(store.writer, DB, 'spans', [root, orphans[1]!], 'p1:0-1');
    await insertRows(store.writer, DB, 'spans', [late], 'p1:2-2');
    await insertRows(store.writer, DB, 'spans', [...children1, orphans[0]!], 'p0:2-4'); // again
    const all = [...children2, ...children1, orphans[0]!, root, orphans[1]!, late];
    const want = [...before, ...expected(all)].sort((x, y) => (x.traceId < y.traceId ? -1 : 1));
    const got = await summaries();
    expect(got).toEqual(want);
    expect(got.find((s) => s.traceId === a)).toMatchObject({
      spanCount: '6',
      errorCount: '1',
      rootService: 'frontend',
      durationNs: (5_000_000_007n - 1_000n).toString(),
    });
    expect(got.find((s) => s.traceId === b)).toMatchObject({
      rootService: 'audit',
      rootCount: '0',
    });

    // The same once the engine merged the rows of each trace into one.
    await optimize();
    const rows = await store.reader.query({
      query: `SELECT TraceId, count() AS n FROM ${DB}.${TRACE_SUMMARIES_TABLE} GROUP BY TraceId HAVING n > 1`,
      format: 'JSONEachRow',
    });
    expect(await rows.json()).toEqual([]);
    expect(await summaries()).toEqual(want);
  });
});
