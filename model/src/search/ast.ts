/**
 * The Sightline search language AST. Plain data (no classes) so it can cross the wire
 * between the dashboard and the query API, and be compared with deep equality in tests.
 *
 * Field names are kept exactly as the user wrote them (`service`, `http.status_code`,
 * `resource.k8s.pod.name`); deciding what a name means for spans or logs is the compiler's job,
 * so the parser stays independent of the storage schema.
 */

export type SearchNode =
  | SearchAnd
  | SearchOr
  | SearchNot
  | SearchTerm
  | SearchWildcard
  | SearchCompare
  | SearchRange
  | SearchExists;

/** Every child must match. Always at least two children; nested ANDs are flattened. */
export interface SearchAnd {
  type: 'and';
  children: SearchNode[];
}

/** At least one child must match. Always at least two children; nested ORs are flattened. */
export interface SearchOr {
  type: 'or';
  children: SearchNode[];
}

/** `NOT x` and `-x`. */
export interface SearchNot {
  type: 'not';
  child: SearchNode;
}

/**
 * A literal value: `error`, `"payment failed"`, `service:checkout`. `field: null` is free text.
 * Quoted and unquoted forms mean the same thing, so the AST does not record which was used.
 */
export interface SearchTerm {
  type: 'term';
  field: string | null;
  value: string;
}

/**
 * A value with unescaped `*`: `pay*`, `*timeout`, `service:check*out`. `parts` are the literal
 * pieces between the stars (at least two; only the first and last may be empty), so
 * `*ab*c` is `['', 'ab', 'c']`. Consecutive stars are collapsed.
 */
export interface SearchWildcard {
  type: 'wildcard';
  field: string | null;
  parts: string[];
}

export type SearchCompareOp = '>' | '>=' | '<' | '<=';

/** `duration:>500ms`, `http.status_code:>=500`. The value is interpreted by the compiler. */
export interface SearchCompare {
  type: 'compare';
  field: string;
  op: SearchCompareOp;
  value: string;
}

export interface SearchRangeBound {
  value: string;
  inclusive: boolean;
}

/** `field:[a TO b]`, `{a TO b}` or mixed brackets; `null` is an open end (`*`). */
export interface SearchRange {
  type: 'range';
  field: string;
  lower: SearchRangeBound | null;
  upper: SearchRangeBound | null;
}

/** `exists:field` (also what `field:*` parses to). */
export interface SearchExists {
  type: 'exists';
  field: string;
}
