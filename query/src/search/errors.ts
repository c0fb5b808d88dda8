/**
 * Compile-time errors: the query parsed, but asks for something the target table cannot answer.
 * Both are client errors (400) that name the field, so the dashboard can point at the clause.
 */

/** A field that does not exist for this target (`duration` on logs) or cannot take this operator. */
export class SearchFieldError extends Error {
  readonly code = 'SL_ERR_SEARCH_FIELD';
  readonly statusCode = 400;
  readonly field: string;

  constructor(field: string, message: string) {
    super(message);
    this.name = 'SearchFieldError';
    this.field = field;
  }
}

/** A value the field cannot hold: `duration:>fast`, `status:maybe`, `http.status_code:>abc`. */
export class SearchValueError extends Error {
  readonly code = 'SL_ERR_SEARCH_VALUE';
  readonly statusCode = 400;
  readonly field: string;
  readonly value: string;

  constructor(field: string, value: string, message: string) {
    super(message);
    this.name = 'SearchValueError';
    this.field = field;
    this.value = value;
  }
}
