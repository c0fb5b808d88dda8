import { SightlineError } from '@sightline/model/errors';
import { PromQLError } from '../promql/errors.ts';
import { evaluateInstant, type PromQLContext } from '../promql/evaluate.ts';
import { parsePromQL } from '../promql/parse.ts';
import { typeOf } from '../promql/type-check.ts';
import { groupKeyOf, MAX_GROUPS, type EvalTarget, type QueryResult } from './query-result.ts';

/** What one evaluation of a PromQL rule may read: the series cap is the alerts cap. */
const limits = (): PromQLContext['limits'] => ({
  maxSeries: MAX_GROUPS,
  maxSamples: 50_000_000,
  timeoutMs: 30_000,
});

/** A 400 naming `query.expr` unless the expression parses to an instant vector or a scalar. */
export function checkPromQL(expr: string): void {
  try {
    const type = typeOf(parsePromQL(expr));
    if (type !== 'vector' && type !== 'scalar') {
      throw new PromQLError(
        'bad_data',
        `an alert expression must give an instant vector or a scalar, not a ${type === 'matrix' ? 'range vector' : type}`,
      );
    }
  } catch (err) {
    if (err instanceof PromQLError) {
      throw new SightlineError('SL_ERR_VALIDATION', 400, `query.expr: ${err.message}`);
    }
    throw err;
  }
}

/** Prometheus's sample text ("1", "NaN", "+Inf") as a number. */
const sampleValue = (s: string): number =>
  s === '+Inf' ? Infinity : s === '-Inf' ? -Infinity : Number(s);

/**
 * The expression at `atMs`, as Prometheus's rule manager evaluates it: one group per returned
 * series, labelled with its labels but the metric name; a scalar is one group without labels.
 */
export async function evaluatePromQL(
  target: EvalTarget,
  expr: string,
  atMs: number,
): Promise<QueryResult> {
  const ctx: PromQLContext = {
    client: target.client,
    database: target.database,
    limits: limits(),
  };
  const { data } = await evaluateInstant(ctx, expr, atMs);
  const groups = new Map<string, { labels: Record<string, string>; value: number }>();
  if (data.resultType === 'scalar') {
    groups.set('', { labels: {}, value: sampleValue(data.result[1]) });
  } else if (data.resultType === 'vector') {
    for (const row of data.result) {
      const labels = Object.fromEntries(
        Object.entries(row.metric)
          .filter(([k]) => k !== '__name__')
          .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
      );
      groups.set(groupKeyOf(labels), { labels, value: sampleValue(row.value[1]) });
    }
  }
  return { groups, absent: null };
}
