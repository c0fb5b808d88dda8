import { useState } from 'react';
import type { LogField } from './log-fields.ts';

const BUILT_IN_COLUMNS = ['level', 'service', 'trace_id', 'span_id', 'event_name', 'scope.name'];

interface Props {
  readonly columns: readonly string[];
  /** Attribute fields of the loaded records, offered as columns. */
  readonly fields: readonly LogField[];
  readonly onChange: (columns: string[]) => void;
}

/** Which fields show as columns between the time and the message; kept in the URL by the page. */
export function ColumnPicker({ columns, fields, onChange }: Props) {
  const [open, setOpen] = useState(false);
  const offered = [...new Set([...columns, ...BUILT_IN_COLUMNS, ...fields.map((f) => f.field)])];
  const toggle = (c: string) =>
    onChange(columns.includes(c) ? columns.filter((x) => x !== c) : [...columns, c]);
  return (
    <>
      <button type="button" aria-expanded={open} onClick={() => setOpen(!open)}>
        Columns ({columns.length})
      </button>
      {open && (
        <fieldset className="card column-picker" aria-label="Columns">
          <legend>Columns beside the message</legend>
          {offered.map((c) => (
            <label key={c} className="mono">
              <input type="checkbox" checked={columns.includes(c)} onChange={() => toggle(c)} /> {c}
            </label>
          ))}
          <button
            type="button"
            aria-label="Close the column chooser"
            onClick={() => setOpen(false)}
          >
            ✕
          </button>
        </fieldset>
      )}
    </>
  );
}
