import type { ClickHouseClient } from '@clickhouse/client';
import { ident } from '@sightline/store/schema/ddl-context';
import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import type { Expr, VectorSelector } from '../../promql/ast.ts';
import { FAMILY_READS, labelsSql, selectorWhere } from '../../promql/catalog.ts';
import { PromQLError } from '../../promql/errors.ts';
import {
  formatValue,
  readFloat,
  sortedLabels,
  compareLabels,
  type Labels,
} from '../../promql/format.ts';
import { parsePromQL } from '../../promql/parse.ts';
import { msParam, Params } from '../../sql/metrics-keys.ts';
import { MAX_TIME_MS, MIN_TIME_MS, type PromParams } from './params.ts';
import { clampMs } from './series-sql.ts';

export interface ExemplarSeries {
  readonly seriesLabels: Labels;
  readonly exemplars: { labels: Labels; value: string; timestamp: number }[];
}

/** Every series selector in an expression, as Prometheus' ExtractSelectors finds them. */
export function selectorsOf(e: Expr): VectorSelector[] {
  switch (e.kind) {
    case 'VectorSelector':
      return [e];
    case 'MatrixSelector':
      return [e.vector];
    case 'SubqueryExpr':
    case 'Unary':
    case 'Paren':
      return selectorsOf(e.expr);
    case 'Call':
      return e.args.flatMap(selectorsOf);
    case 'Aggregate':
      return [...(e.param ? selectorsOf(e.param) : []), ...selectorsOf(e.expr)];
    case 'Binary':
      return [...selectorsOf(e.lhs), ...selectorsOf(e.rhs)];
    case 'NumberLiteral':
    case 'StringLiteral':
      return [];
  }
}

// Summaries carry no exemplars; a histogram's exemplar belongs to the bucket its value falls in.
const READS = FAMILY_READS.filter((f) => f.table !== METRIC_TABLES.summary);
const BUCKET_OF_EXEMPLAR = `(if(ex.Value > arrayMax(arrayPushBack(ExplicitBounds, -inf)), '+Inf',
  toString(arrayFirst(b -> b >= ex.Value, ExplicitBounds))), 0) AS bk`;

/**
 * /api/v1/query_exemplars: the exemplars stored with the points of the series the query's
 * selectors denote, from `start` to `end`, labelled `trace_id`, `span_id` and their filtered
 * attributes; `[]` when there are none.
 */
export async function queryExemplars(
  client: ClickHouseClient,
  database: string,
  params: PromParams,
  maxRows: number,
): Promise<ExemplarSeries[]> {
  const fromMs = clampMs(params.time('start', MIN_TIME_MS));
  const toMs = clampMs(params.time('end', MAX_TIME_MS));
  if (toMs < fromMs) {
    throw new PromQLError('bad_data', 'end timestamp must not be before start timestamp');
  }
  const selectors = selectorsOf(parsePromQL(params.get('query')));
  if (selectors.length === 0) return [];
  const p = new Params('x');
  const from = msParam(fromMs, p);
  const to = msParam(toMs, p);
  const reads = selectors.flatMap((sel) =>
    READS.filter((f) => f.extra === undefined || f.extra[0] === 'le').map((f) => {
      const where = [
        `TimeUnix >= ${from}`,
        `ex.TimeUnix >= ${from}`,
        `ex.TimeUnix <= ${to}`,
        ...selectorWhere(f, sel, p),
      ];
      return `${f.extra ? `WITH ${BUCKET_OF_EXEMPLAR} ` : ''}SELECT ${labelsSql(f)} AS ls,
          toUnixTimestamp64Milli(ex.TimeUnix) AS t, ex.Value AS v, ex.TraceId AS trace_id,
          ex.SpanId AS span_id, CAST(ex.FilteredAttributes, 'Map(String, String)') AS attrs
        FROM ${ident(database)}.${f.table} ARRAY JOIN Exemplars AS ex
        WHERE ${where.join(' AND ')}`;
    }),
  );
  const sql = `SELECT ls, t, v, trace_id, span_id, attrs FROM (${reads.join(' UNION ALL ')})
    GROUP BY ls, t, v, trace_id, span_id, attrs ORDER BY t LIMIT ${p.add(maxRows, 'UInt64')}`;
  const rs = await client.query({
    query: sql,
    query_params: p.values,
    format: 'JSONEachRow',
    clickhouse_settings: { max_query_size: '4194304' },
  });
  type Row = {
    ls: Labels;
    t: number | string;
    v: unknown;
    trace_id: string;
    span_id: string;
    attrs: Labels;
  };
  const bySeries = new Map<string, ExemplarSeries>();
  for (const r of await rs.json<Row>()) {
    const seriesLabels = sortedLabels(r.ls);
    const key = JSON.stringify(seriesLabels);
    let s = bySeries.get(key);
    if (!s) bySeries.set(key, (s = { seriesLabels, exemplars: [] }));
    const labels: Labels = { ...r.attrs };
    if (r.trace_id !== '') labels.trace_id = r.trace_id;
    if (r.span_id !== '') labels.span_id = r.span_id;
    s.exemplars.push({
      labels: sortedLabels(labels),
      value: formatValue(readFloat(r.v)),
      timestamp: Number(r.t) / 1000,
    });
  }
  return [...bySeries.values()].sort((a, b) => compareLabels(a.seriesLabels, b.seriesLabels));
}
