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

interface FormProps {
  /** The field's label and placeholder. */
  readonly label: string;
  readonly className: string;
  readonly size: number;
  /** A button beside the field; Enter alone submits without it. */
  readonly submit?: string;
  readonly onId: (traceId: string) => void;
}

/** A field that takes a pasted trace id and says so when what was pasted holds none. */
export function TraceIdForm({ label, className, size, submit, onId }: FormProps) {
  const [text, setText] = useState('');
  const [bad, setBad] = useState(false);
  return (
    <form
      className={className}
      onSubmit={(e) => {
        e.preventDefault();
        const id = traceIdIn(text);
        setBad(id === null);
        if (id === null) return;
        setText('');
        onId(id);
      }}
    >
      <input
        aria-label={label}
        placeholder={label}
        spellCheck={false}
        size={size}
        value={text}
        aria-invalid={bad}
        onChange={(e) => {
          setText(e.target.value);
          setBad(false);
        }}
      />
      {submit && <button type="submit">{submit}</button>}
      {bad && (
        <span role="alert" className="field-error">
          A trace ID is 32 hexadecimal characters
        </span>
      )}
    </form>
  );
}

/** In the top bar of every page: paste a trace id, press Enter, read the trace. */
export function TraceIdBox({ loc }: { loc: AppLocation }) {
  return (
    <TraceIdForm
      label="Trace ID"
      className="trace-id-box"
      size={14}
      onId={(id) => navigate(hrefTo(`/traces/${id}`, {}, loc.params))}
    />
  );
}
