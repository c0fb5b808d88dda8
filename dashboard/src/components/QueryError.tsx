/** Where the search-language parser stopped, and what it wanted there. */
export interface SyntaxProblem {
  readonly position: number;
  readonly expected: string;
  readonly found: string;
}

interface Props {
  readonly query: string;
  /** The parser's verdict on `query`; null renders nothing. */
  readonly problem: SyntaxProblem | null;
}

/** The query echoed with a caret under the spot the parser could not read, and why. */
export function QueryError({ query, problem }: Props) {
  if (!problem) return null;
  const at = problem.position;
  return (
    <div className="query-error" role="alert">
      <pre className="query-echo" aria-hidden>
        {query.slice(0, at)}
        {/* Past the end there is no character to mark, so a space stands in for it. */}
        <mark>{query.slice(at, at + 1) || ' '}</mark>
        {query.slice(at + 1)}
        {'\n'}
        {' '.repeat(at)}^
      </pre>
      <span>
        Column {at + 1}: expected {problem.expected}, found {problem.found}.
      </span>
    </div>
  );
}
