import { checkQuery } from '../components/QueryBar.tsx';

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
      {problem && (
        <div className="query-error" role="alert">
          <pre className="query-echo" aria-hidden>
            {value.slice(0, problem.position)}
            <mark>{value.slice(problem.position, problem.position + 1) || ' '}</mark>
            {value.slice(problem.position + 1)}
            {'\n'}
            {' '.repeat(problem.position)}^
          </pre>
          <span>
            Column {problem.position + 1}: expected {problem.expected}, found {problem.found}.
          </span>
        </div>
      )}
    </div>
  );
}
