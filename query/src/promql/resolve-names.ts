import type { ClickHouseClient, ClickHouseSettings } from '@clickhouse/client';
import { ident } from '@sightline/store/schema/ddl-context';
import { msParam, Params } from '../sql/metrics-keys.ts';
import type { VectorSelector } from './ast.ts';
import { FAMILY_READS, namesSql, type FamilyNames } from './catalog.ts';
import { hasNames, storedNames, storedNamesSql } from './name-index.ts';

/** A selector's read of the samples from `fromMs` to `toMs`, as compiling asks for it. */
export interface NameRequest {
  readonly sel: VectorSelector;
  readonly fromMs: number;
  readonly toMs: number;
}

const NO_NAMES = `SELECT 0 AS j, 0 AS k, '' AS metric, '' AS key, '' AS name WHERE 0`;

/** Per family read (FAMILY_READS' order), the stored streams a selector's read denotes. */
export type ResolvedNames = readonly (FamilyNames | undefined)[];

/** The names each compiled read asks for, answered once resolveNames has run. */
export class NameResolver {
  readonly requests: NameRequest[] = [];
  private answers: ResolvedNames[] | undefined;
  private next = 0;

  /**
   * The resolved names of a read; while recording (before resolve), undefined. A second compile
   * of the same expression asks in the same order as the first.
   */
  lookup(sel: VectorSelector, fromMs: number, toMs: number): ResolvedNames | undefined {
    if (this.answers !== undefined) return this.answers[this.next++];
    this.requests.push({ sel, fromMs, toMs });
    return undefined;
  }

  /** Finds, in one query, the stored names of every recorded read. */
  async resolve(
    client: ClickHouseClient,
    database: string,
    settings: ClickHouseSettings,
    signal?: AbortSignal,
  ): Promise<void> {
    const answers = this.requests.map(() =>
      FAMILY_READS.map(() => undefined as FamilyNames | undefined),
    );
    if (this.requests.length > 0) {
      const p = new Params('n');
      const db = ident(database);
      // Without the parts' lists (no rights on system.parts), the windows are scanned.
      const index = await storedNames(client, database, settings, signal).catch(() => undefined);
      const parts = this.requests.flatMap((r, j) =>
        FAMILY_READS.flatMap((f, k) => {
          const window = `TimeUnix >= ${msParam(r.fromMs, p)} AND TimeUnix <= ${msParam(r.toMs, p)}`;
          const known = index?.get(f.table);
          // A table with no samples in the window has no names to find (nor SQL to plan).
          if (known !== undefined && !hasNames(known, r.fromMs, r.toMs)) return [];
          const source = known && storedNamesSql(known, f.table, r.fromMs, r.toMs, p);
          return [
            `SELECT ${j} AS j, ${k} AS k, MetricName AS metric, _key AS key, _pname AS name
            FROM (${namesSql(f, r.sel, window, p, db, source)})`,
          ];
        }),
      );
      const rs = await client.query({
        query: parts.length > 0 ? parts.join('\nUNION ALL\n') : NO_NAMES,
        query_params: p.values,
        format: 'JSONEachRow',
        clickhouse_settings: settings,
        abort_signal: signal,
      });
      type Row = { j: number; k: number; metric: string; key: string; name: string };
      for (const row of await rs.json<Row>()) {
        const slot = answers[row.j]!;
        const have = slot[row.k] ?? { metrics: [], keys: [], names: [] };
        slot[row.k] = {
          metrics: have.metrics.includes(row.metric) ? have.metrics : [...have.metrics, row.metric],
          keys: [...have.keys, row.key],
          names: [...have.names, row.name],
        };
      }
    }
    this.answers = answers;
    this.next = 0;
  }
}
