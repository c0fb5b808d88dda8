import { STEP_CHOICES } from './step.ts';

interface Props {
  /** A fixed step, or undefined for auto. */
  readonly value: string | undefined;
  readonly onChange: (step: string | undefined) => void;
  /** What auto comes to now, shown beside it (`auto (5m)`). */
  readonly auto?: string | undefined;
  readonly label?: string;
}

/** Step: auto (from the chart's width) or one of the fixed steps. */
export function StepSelect({ value, onChange, auto, label = 'Step' }: Props) {
  const current = value ?? 'auto';
  const choices: readonly string[] = STEP_CHOICES.includes(current as never)
    ? STEP_CHOICES
    : [...STEP_CHOICES, current];
  return (
    <label className="sub">
      {label}{' '}
      <select
        aria-label={label}
        value={current}
        onChange={(e) => onChange(e.target.value === 'auto' ? undefined : e.target.value)}
      >
        {choices.map((s) => (
          <option key={s} value={s}>
            {s === 'auto' && auto ? `auto (${auto})` : s}
          </option>
        ))}
      </select>
    </label>
  );
}
