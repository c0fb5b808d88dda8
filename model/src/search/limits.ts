/**
 * Bounds on what the parser accepts. Queries arrive from the network, so size and nesting are
 * capped before they can cost stack depth (recursive descent) or produce SQL too large for
 * ClickHouse's `max_query_size`.
 */

/** Characters (UTF-16 code units). Long enough for `trace_id:(… OR …)` with a hundred ids. */
export const SEARCH_MAX_LENGTH = 8192;

/** Nested parentheses and negations (`NOT`, `-`) combined. */
export const SEARCH_MAX_DEPTH = 32;

/** Clauses (terms, comparisons, ranges, exists) in one query. */
export const SEARCH_MAX_CLAUSES = 512;
