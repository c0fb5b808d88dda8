import type { ReactNode } from 'react';
import type { FormField } from './field-errors.ts';

export type FieldErrors = Partial<Record<FormField, string>>;

interface Props {
  readonly label: string;
  readonly field: FormField;
  readonly errors: FieldErrors;
  readonly hint?: string;
  readonly wide?: boolean;
  readonly children: ReactNode;
}

/** A labelled control with the server's (or the form's) complaint about it right below. */
export function Field({ label, field, errors, hint, wide, children }: Props) {
  const error = errors[field];
  return (
    <label className={`alert-field${wide ? ' wide' : ''}${error ? ' has-error' : ''}`}>
      <span className="alert-field-label">{label}</span>
      {children}
      {hint && !error && <span className="hint">{hint}</span>}
      {error && (
        <span className="field-error" role="alert" data-field={field}>
          {error}
        </span>
      )}
    </label>
  );
}
