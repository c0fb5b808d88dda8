/**
 * Thrown by the parser for any input it cannot accept, including inputs over the size limits.
 * `position` is a 0-based UTF-16 offset into the query (what `String.prototype.slice` uses), so
 * the dashboard can underline the exact spot.
 */
export class SearchSyntaxError extends Error {
  readonly code = 'SL_ERR_SEARCH_SYNTAX';
  readonly statusCode = 400;
  readonly position: number;
  /** What the parser wanted at `position`, e.g. `a value after ':'`. */
  readonly expected: string;
  /** What it found instead, e.g. `end of query` or `')'`. */
  readonly found: string;

  constructor(position: number, expected: string, found: string) {
    super(`at position ${position}: expected ${expected}, found ${found}`);
    this.name = 'SearchSyntaxError';
    this.position = position;
    this.expected = expected;
    this.found = found;
  }
}
