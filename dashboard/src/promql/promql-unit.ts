import { LanguageType, promQLLanguage } from '@prometheus-io/codemirror-promql';
import { unitOfMetricName } from '@sightline/model/metric-units';
import { aggregatedUnit } from '../units.ts';

// The grammar's own node type (its @lezer/common, whichever build the package resolved).
type SyntaxNode = ReturnType<ReturnType<typeof promQLLanguage>['parser']['parse']>['topNode'];

const PER_SECOND = new Set(['rate', 'irate', 'deriv']);
const SAME_UNIT = new Set([
  'abs',
  'ceil',
  'floor',
  'round',
  'clamp',
  'clamp_min',
  'clamp_max',
  'sort',
  'sort_desc',
  'label_replace',
  'label_join',
  'increase',
  'delta',
  'idelta',
  'avg_over_time',
  'min_over_time',
  'max_over_time',
  'sum_over_time',
  'last_over_time',
  'quantile_over_time',
  'stddev_over_time',
  'histogram_quantile',
  'timestamp',
  'last_over_time',
]);
const UNITLESS_AGGREGATIONS = new Set(['count', 'count_values', 'group']);

const children = (n: SyntaxNode): SyntaxNode[] => {
  const out: SyntaxNode[] = [];
  for (let c = n.firstChild; c !== null; c = c.nextSibling) out.push(c);
  return out;
};

/** A call's arguments (the tree keeps no node for the commas and parentheses). */
const args = (n: SyntaxNode | null): SyntaxNode[] => (n === null ? [] : children(n));

/**
 * The unit of what an expression computes, worked out from the metric names' suffixes
 * (`_seconds`, `_bytes`, `_ratio`) and what the functions do to them: rate of seconds is s/s,
 * histogram_quantile of a `_seconds_bucket` is seconds, a count has none. '' when unknown.
 */
export function unitOfExpr(expr: string): string {
  const tree = promQLLanguage(LanguageType.PromQL).parser.parse(expr);
  const text = (n: SyntaxNode) => expr.slice(n.from, n.to);
  const firstSelectorName = (n: SyntaxNode): string | undefined => {
    const c = n.cursor();
    do {
      if (c.name === 'VectorSelector') {
        const id = c.node.getChild('Identifier');
        if (id) return text(id);
      }
    } while (c.next() && c.from < n.to);
    return undefined;
  };
  const unit = (n: SyntaxNode | undefined | null): string => {
    if (!n) return '';
    switch (n.name) {
      case 'PromQL':
      case 'ParenExpr':
      case 'OffsetExpr':
      case 'StepInvariantExpr':
      case 'SubqueryExpr':
      case 'MatrixSelector':
        return unit(children(n).find((c) => c.name !== '(' && c.name !== ')'));
      case 'VectorSelector': {
        const id = n.getChild('Identifier');
        return id ? unitOfMetricName(text(id)) : '';
      }
      case 'FunctionCall': {
        const fn = text(n.getChild('FunctionIdentifier') ?? n).trim();
        const xs = args(n.getChild('FunctionCallBody'));
        // The quantile is in the unit of the bucket boundaries, whatever rate did to the counts.
        if (fn === 'histogram_quantile') {
          const id = xs[1] && firstSelectorName(xs[1]);
          return id ? unitOfMetricName(id) : '';
        }
        const inner = unit(
          xs.find((x) => x.name !== 'NumberDurationLiteral' && x.name !== 'StringLiteral'),
        );
        if (PER_SECOND.has(fn)) return aggregatedUnit(inner, 'rate');
        return SAME_UNIT.has(fn) ? inner : '';
      }
      case 'AggregateExpr': {
        const op = text(n.getChild('AggregateOp') ?? n).trim();
        if (UNITLESS_AGGREGATIONS.has(op)) return '';
        const xs = args(n.getChild('FunctionCallBody'));
        return unit(xs.at(-1));
      }
      case 'BinaryExpr': {
        const [lhs, , rhs] = children(n).filter(
          (c) => !c.name.endsWith('Modifier') && !c.name.endsWith('Clause'),
        );
        const l = unit(lhs);
        const r = unit(rhs);
        const op = children(n)[1]?.name ?? '';
        if (['Gtr', 'Lss', 'Gte', 'Lte', 'EqlC', 'Neq', 'And', 'Or', 'Unless'].includes(op))
          return l;
        if (op === 'Add' || op === 'Sub') return l === r || r === '' ? l : l === '' ? r : '';
        if ((op === 'Mul' || op === 'Div') && rhs?.name === 'NumberDurationLiteral') return l;
        if (op === 'Mul' && lhs?.name === 'NumberDurationLiteral') return r;
        return '';
      }
      default:
        return '';
    }
  };
  return unit(tree.topNode);
}
