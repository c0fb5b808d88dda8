import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createClient, type ClickHouseClient } from '@clickhouse/client';
import { createChdbConnection } from 'chdb/connection';
import { Params } from '../../sql/metrics-keys.ts';
import type { Expr } from '../ast.ts';
import type { CompileArg, Compiled, CompileContext } from '../compile.ts';
import { parsePromQL } from '../parse.ts';
import { compileAggregateK, compileBinary, compileCall } from './index.ts';

/**
 * For the ops unit tests: vectors and scalars given as rows, an expression compiled with them
 * standing for its selectors, and the SQL run in an embedded ClickHouse.
 */
export type Row = [labels: Record<string, string>, i: number, val: number];

const float = (v: number) =>
  Number.isNaN(v) ? 'nan' : v === Infinity ? 'inf' : v === -Infinity ? '-inf' : `toFloat64(${v})`;
const text = (s: string) => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;

/** A vector node's SQL holding exactly `rows`. */
export function vectorOf(rows: readonly Row[]): Compiled {
  const parts = rows.map(
    ([ls, i, val]) =>
      `SELECT CAST(map(${Object.entries(ls)
        .flatMap(([k, v]) => [text(k), text(v)])
        .join(', ')}), 'Map(String, String)') AS ls, toUInt32(${i}) AS i, ${float(val)} AS val`,
  );
  if (parts.length === 0) {
    parts.push(
      `SELECT CAST(map(), 'Map(String, String)') AS ls, toUInt32(0) AS i, 0. AS val WHERE 0`,
    );
  }
  return { type: 'vector', sql: parts.join(' UNION ALL ') };
}

/** Cumulative buckets (`le` → count) of one histogram `h` at step i, labelled `path`. */
export const bucketRows = (path: string, i: number, counts: Record<string, number>): Row[] =>
  Object.entries(counts).map(([le, c]) => [{ __name__: 'h_bucket', path, le }, i, c]);

/** A scalar node's SQL with one value per step. */
export function scalarOf(values: readonly number[]): Compiled {
  return {
    type: 'scalar',
    sql: values.map((v, i) => `SELECT toUInt32(${i}) AS i, ${float(v)} AS val`).join(' UNION ALL '),
  };
}

export interface OpsKit {
  /** `expr` on a grid of `points` steps, each selector `name` standing for `data[name]`. */
  run(
    expr: string,
    data: Readonly<Record<string, Compiled>>,
    points?: number,
  ): Promise<{ compiled: Compiled; rows: Row[] }>;
  close(): Promise<void>;
}

function dispatch(e: Expr, ctx: CompileContext, arg: CompileArg): Compiled {
  const done =
    e.kind === 'Call'
      ? compileCall(e, ctx, arg)
      : e.kind === 'Binary'
        ? compileBinary(e, ctx, arg)
        : e.kind === 'Aggregate'
          ? compileAggregateK(e, ctx, arg)
          : undefined;
  if (!done) throw new Error(`the ops test kit cannot compile a ${e.kind}`);
  return done;
}

export function startOpsKit(): OpsKit {
  const client: ClickHouseClient = createClient({
    connection: createChdbConnection({ path: mkdtempSync(join(tmpdir(), 'sightline-ops-')) }),
  } as unknown as Parameters<typeof createClient>[0]);
  return {
    async run(expr, data, points = 1) {
      const ctx: CompileContext = {
        grid: { startMs: 1_000_000, stepMs: 10_000, points },
        p: new Params('t'),
        database: 'default',
        startMs: 1_000_000,
        endMs: 1_000_000 + (points - 1) * 10_000,
      };
      const arg: CompileArg = (e, c) => {
        if (e.kind === 'NumberLiteral')
          return {
            type: 'scalar',
            value: e.value,
            sql: scalarOf(Array(points).fill(e.value) as number[]).sql,
          };
        if (e.kind === 'Unary' && e.expr.kind === 'NumberLiteral')
          return arg(
            { kind: 'NumberLiteral', value: e.op === '-' ? -e.expr.value : e.expr.value },
            c,
          );
        if (e.kind === 'StringLiteral') return { type: 'string', value: e.value };
        if (e.kind === 'Paren') return arg(e.expr, c);
        if (e.kind === 'VectorSelector' && e.name !== undefined && data[e.name])
          return data[e.name]!;
        return dispatch(e, c, arg);
      };
      const compiled = arg(parsePromQL(expr), ctx);
      const sql =
        compiled.type === 'scalar'
          ? `SELECT map() AS ls, i, toString(val) AS v FROM (${compiled.sql}) ORDER BY i`
          : `SELECT mapSort(ls) AS ls, i, toString(val) AS v FROM (${compiled.sql}) ORDER BY toString(mapSort(ls)), i`;
      const rs = await client.query({
        query: sql,
        query_params: ctx.p.values,
        format: 'JSONEachRow',
      });
      const out = await rs.json<{ ls: Record<string, string>; i: number; v: string }>();
      return {
        compiled,
        rows: out.map((r) => [
          r.ls,
          r.i,
          r.v === 'nan' || r.v === '-nan'
            ? NaN
            : r.v === 'inf'
              ? Infinity
              : r.v === '-inf'
                ? -Infinity
                : Number(r.v),
        ]),
      };
    },
    close: () => client.close(),
  };
}
