import { checkQuery } from '../components/QueryBar.tsx';
import { QueryError } from '../components/QueryError.tsx';

interface Props {
  readonly label: string;
  readonly value: string;
  readonly placeholder?: string;
  readonly onChange: (q: string) => void;
}

/**
 * A search-language input for a form field: the query bar's parser check and caret, without its
 * submit button, since the rule form sends the whole rule at once.
 */
export function SearchField({ label, value, placeholder, onChange }: Props) {
  const problem = checkQuery(value);
  return (
    <div className="alert-search">
      <input
        aria-label={label}
        aria-invalid={problem !== null}
        className={`mono${problem ? ' invalid' : ''}`}
        value={value}
        spellCheck={false}
        placeholder={placeholder}
        onChange={(e) => onChange(e.target.value)}
      />
      <QueryError query={value} problem={problem} />
    </div>
  );
}
