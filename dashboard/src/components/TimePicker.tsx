import { useState } from 'react';
import { timeZone, zoneOffsetMs } from './time-format.ts';
import { RELATIVE_RANGES, type RelativeRange, type TimeRange } from '../time-range.ts';

/** `datetime-local` wants a wall time without a zone: the one the local/UTC switch chose. */
function toLocalInput(ms: number): string {
  return new Date(ms + zoneOffsetMs(ms)).toISOString().slice(0, 16);
}

const fromLocalInput = (v: string): number =>
  timeZone() === 'utc' ? Date.parse(`${v}Z`) : new Date(v).getTime();

interface Props {
  readonly range: TimeRange;
  readonly onChange: (r: TimeRange) => void;
}

export function TimePicker({ range, onChange }: Props) {
  const [custom, setCustom] = useState(range.kind === 'absolute');
  const now = Date.now();
  const [from, setFrom] = useState(
    toLocalInput(range.kind === 'absolute' ? range.from : now - 3_600_000),
  );
  const [to, setTo] = useState(toLocalInput(range.kind === 'absolute' ? range.to : now));
  const fromMs = fromLocalInput(from);
  const toMs = fromLocalInput(to);
  const valid = Number.isFinite(fromMs) && Number.isFinite(toMs) && fromMs < toMs;
  const selectValue = custom || range.kind === 'absolute' ? 'custom' : range.last;
  return (
    <div className="time-picker">
      <select
        aria-label="Time range"
        value={selectValue}
        onChange={(e) => {
          const v = e.target.value;
          if (v === 'custom') setCustom(true);
          else {
            setCustom(false);
            onChange({ kind: 'relative', last: v as RelativeRange });
          }
        }}
      >
        {Object.entries(RELATIVE_RANGES).map(([k, v]) => (
          <option key={k} value={k}>
            {v.label}
          </option>
        ))}
        <option value="custom">Custom…</option>
      </select>
      {selectValue === 'custom' && (
        <form
          className="time-custom"
          onSubmit={(e) => {
            e.preventDefault();
            if (valid) onChange({ kind: 'absolute', from: fromMs, to: toMs });
          }}
        >
          <input
            aria-label="From"
            type="datetime-local"
            value={from}
            onChange={(e) => setFrom(e.target.value)}
          />
          <span>→</span>
          <input
            aria-label="To"
            type="datetime-local"
            value={to}
            onChange={(e) => setTo(e.target.value)}
          />
          <button
            type="submit"
            disabled={!valid}
            title={valid ? undefined : "'From' must be before 'To'"}
          >
            Apply
          </button>
        </form>
      )}
    </div>
  );
}
