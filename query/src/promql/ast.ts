/** PromQL's expression tree, as parse.ts builds it from the lezer grammar. */

export type MatchOp = '=' | '!=' | '=~' | '!~';

export interface LabelMatcher {
  readonly name: string;
  readonly op: MatchOp;
  readonly value: string;
}

/** `@ start()`, `@ end()` or `@ <seconds>` (kept in ms). */
export type AtModifier = 'start' | 'end' | number | undefined;

export interface NumberLiteral {
  readonly kind: 'NumberLiteral';
  readonly value: number;
}

export interface StringLiteral {
  readonly kind: 'StringLiteral';
  readonly value: string;
}

export interface VectorSelector {
  readonly kind: 'VectorSelector';
  /** The metric name when written before the braces; a `__name__` matcher is in `matchers`. */
  readonly name?: string | undefined;
  /** Every matcher, the name (as `__name__ =`) included. */
  readonly matchers: readonly LabelMatcher[];
  readonly offsetMs: number;
  readonly at: AtModifier;
}

export interface MatrixSelector {
  readonly kind: 'MatrixSelector';
  readonly vector: VectorSelector;
  readonly rangeMs: number;
}

export interface SubqueryExpr {
  readonly kind: 'SubqueryExpr';
  readonly expr: Expr;
  readonly rangeMs: number;
  /** Absent: the default evaluation interval. */
  readonly stepMs?: number | undefined;
  readonly offsetMs: number;
  readonly at: AtModifier;
}

export interface Call {
  readonly kind: 'Call';
  readonly fn: string;
  readonly args: readonly Expr[];
}

export type AggregateOp =
  | 'sum'
  | 'avg'
  | 'min'
  | 'max'
  | 'count'
  | 'group'
  | 'stddev'
  | 'stdvar'
  | 'topk'
  | 'bottomk'
  | 'quantile'
  | 'count_values'
  | 'limitk'
  | 'limit_ratio';

export interface Aggregate {
  readonly kind: 'Aggregate';
  readonly op: AggregateOp;
  /** `by (…)`; absent with `without` or no grouping. */
  readonly by?: readonly string[] | undefined;
  readonly without?: readonly string[] | undefined;
  /** topk's k, quantile's φ, count_values' label. */
  readonly param?: Expr | undefined;
  readonly expr: Expr;
}

export type BinaryOp =
  | '+'
  | '-'
  | '*'
  | '/'
  | '%'
  | '^'
  | 'atan2'
  | '=='
  | '!='
  | '>'
  | '<'
  | '>='
  | '<='
  | 'and'
  | 'or'
  | 'unless';

export type Cardinality = 'one-to-one' | 'many-to-one' | 'one-to-many';

export interface VectorMatching {
  /** `on (…)`; absent with `ignoring` or neither. */
  readonly on?: readonly string[] | undefined;
  readonly ignoring?: readonly string[] | undefined;
  readonly card: Cardinality;
  /** group_left/group_right's extra labels. */
  readonly include: readonly string[];
}

export interface Binary {
  readonly kind: 'Binary';
  readonly op: BinaryOp;
  readonly lhs: Expr;
  readonly rhs: Expr;
  readonly bool: boolean;
  readonly matching: VectorMatching;
}

export interface Unary {
  readonly kind: 'Unary';
  readonly op: '-' | '+';
  readonly expr: Expr;
}

export interface Paren {
  readonly kind: 'Paren';
  readonly expr: Expr;
}

export type Expr =
  | NumberLiteral
  | StringLiteral
  | VectorSelector
  | MatrixSelector
  | SubqueryExpr
  | Call
  | Aggregate
  | Binary
  | Unary
  | Paren;
