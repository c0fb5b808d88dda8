import { useState } from 'react';
import { hrefTo, navigate, type AppLocation } from '../router.ts';

/**
 * The trace id in what was pasted: a bare id (32 hex characters), or one inside a `traceparent`
 * header, a log line or a URL. Null when there is none.
 */
export function traceIdIn(text: string): string | null {
  const t = text.trim();
  if (/^[0-9a-f]{32}$/i.test(t)) return t.toLowerCase();
  const m = /(?:^|[^0-9a-f])([0-9a-f]{32})(?![0-9a-f])/i.exec(t);
  return m?.[1] ? m[1].toLowerCase() : null;
}

/** In the top bar of every page: paste a trace id, press Enter, read the trace. */
export function TraceIdBox({ loc }: { loc: AppLocation }) {
  const [text, setText] = useState('');
  const [bad, setBad] = useState(false);
  return (
    <form
      className="trace-id-box"
      aria-label="Open a trace by id"
      onSubmit={(e) => {
        e.preventDefault();
        const id = traceIdIn(text);
        setBad(id === null);
        if (id === null) return;
        setText('');
        navigate(hrefTo(`/traces/${id}`, {}, loc.params));
      }}
    >
      <input
        aria-label="Trace ID"
        placeholder="Trace ID"
        spellCheck={false}
        size={14}
        value={text}
        aria-invalid={bad}
        onChange={(e) => {
          setText(e.target.value);
          setBad(false);
        }}
      />
      {bad && (
        <span role="alert" className="field-error">
          A trace ID is 32 hexadecimal characters
        </span>
      )}
    </form>
  );
}
