import { useEffect, useState, type FormEvent } from 'react';
import { parseSearch } from '@sightline/model/search/parse';
import { SearchSyntaxError } from '@sightline/model/search/errors';
import { QueryError, type SyntaxProblem } from './QueryError.tsx';

/** The parser's verdict on a query: null when it parses (or is empty). */
export function checkQuery(q: string): SyntaxProblem | null {
  try {
    parseSearch(q);
    return null;
  } catch (err) {
    if (err instanceof SearchSyntaxError) {
      return { position: err.position, expected: err.expected, found: err.found };
    }
    throw err;
  }
}

interface Props {
  readonly value: string;
  readonly onSubmit: (q: string) => void;
  readonly placeholder?: string;
  readonly label?: string;
}

/** A search box that checks the syntax as you type and points at the spot it cannot read. */
export function QueryBar({ value, onSubmit, placeholder, label = 'Search' }: Props) {
  const [draft, setDraft] = useState(value);
  useEffect(() => setDraft(value), [value]);
  const problem = checkQuery(draft);
  const submit = (e: FormEvent) => {
    e.preventDefault();
    if (!problem) onSubmit(draft.trim());
  };
  return (
    <form className="query-bar" onSubmit={submit} role="search">
      <div className="query-row">
        <input
          aria-label={label}
          aria-invalid={problem !== null}
          className={problem ? 'invalid' : undefined}
          value={draft}
          spellCheck={false}
          placeholder={placeholder}
          onChange={(e) => setDraft(e.target.value)}
        />
        <button type="submit" disabled={problem !== null}>
          {label}
        </button>
      </div>
      <QueryError query={draft} problem={problem} />
    </form>
  );
}
