/**
 * Where a 400 from the alert API belongs in the form. The server names the field in one of two
 * ways: schema errors as a JSON path (`body/condition/threshold must be number`, under
 * `body/rule/` for a preview) and rule checks as a dotted prefix (`window: must be positive`).
 */
export const FORM_FIELDS = [
  'name',
  'description',
  'query.q',
  'query.measure',
  'query.percentile',
  'query.service',
  'query.operation',
  'query.metric',
  'query.filters',
  'query.aggregation',
  'query.reduce',
  'query.expr',
  'query',
  'condition.op',
  'condition.threshold',
  'condition',
  'window',
  'interval',
  'for',
  'severity',
  'labels',
  'groupBy',
  'noData',
  'message',
  'channels',
  'repeatInterval',
] as const;
export type FormField = (typeof FORM_FIELDS)[number];

export interface FieldError {
  /** null when the message names no field the form shows. */
  readonly field: FormField | null;
  readonly message: string;
}

function dottedPath(message: string): string | null {
  const schema = /^body\/(?:rule\/)?(\S+)/.exec(message);
  if (schema?.[1]) return schema[1].replaceAll('/', '.');
  const check = /^([A-Za-z][\w.]*): /.exec(message);
  return check?.[1] ?? null;
}

/** The form field a server message is about: the most specific one its path starts with. */
export function fieldOfError(message: string): FieldError {
  const path = dottedPath(message);
  if (path === null) return { field: null, message };
  const field = FORM_FIELDS.find((f) => path === f || path.startsWith(`${f}.`)) ?? null;
  return { field, message };
}
