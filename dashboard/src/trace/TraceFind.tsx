import { stepMatch } from './trace-find.ts';

interface Props {
  readonly query: string;
  readonly onQuery: (q: string) => void;
  readonly count: number;
  /** Index of the match shown, -1 for none. */
  readonly current: number;
  readonly onCurrent: (i: number) => void;
}

/** Search within one trace: how many spans match, and a step through them. */
export function TraceFind({ query, onQuery, count, current, onCurrent }: Props) {
  const step = (d: 1 | -1) => onCurrent(stepMatch(current, count, d));
  return (
    <div className="trace-find">
      <input
        type="search"
        aria-label="Find in trace"
        placeholder="Find in trace: name, service, attribute…"
        value={query}
        onChange={(e) => onQuery(e.target.value)}
        onKeyDown={(e) => {
          if (e.key === 'Enter') {
            e.preventDefault();
            step(e.shiftKey ? -1 : 1);
          }
        }}
      />
      <span className="sub" aria-live="polite" data-testid="find-count">
        {query.trim() === ''
          ? ''
          : count === 0
            ? 'no matching spans'
            : `${current >= 0 ? current + 1 : '–'} of ${count} matching span${count === 1 ? '' : 's'}`}
      </span>
      <button
        type="button"
        aria-label="Previous match"
        disabled={count === 0}
        onClick={() => step(-1)}
      >
        ▲
      </button>
      <button type="button" aria-label="Next match" disabled={count === 0} onClick={() => step(1)}>
        ▼
      </button>
    </div>
  );
}
