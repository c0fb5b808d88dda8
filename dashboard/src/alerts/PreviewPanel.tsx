import type { AlertRuleInput } from '@sightline/model/api/alerts';
import { ErrorPanel } from '../components/States.tsx';
import { PreviewChart } from './PreviewChart.tsx';
import { usePreview } from './use-preview.ts';

export const PREVIEW_HOURS = [1, 6, 24, 72] as const;

interface Props {
  readonly rule: AlertRuleInput | null;
  readonly hours: number;
  readonly onHours: (hours: number) => void;
  /** What to say while `rule` is null. */
  readonly waitingFor: string;
}

/** The draft rule replayed over past data: would it have fired, and when? */
export function PreviewPanel({ rule, hours, onHours, waitingFor }: Props) {
  const p = usePreview(rule, hours);
  return (
    <section className="card alert-section alert-preview" aria-busy={p.loading}>
      <h3>
        Preview
        <select
          aria-label="Preview span"
          value={hours}
          onChange={(e) => onHours(Number(e.target.value))}
        >
          {PREVIEW_HOURS.map((h) => (
            <option key={h} value={h}>
              last {h} h
            </option>
          ))}
        </select>
        {p.loading && <span className="spinner" aria-label="Updating preview" />}
      </h3>
      {rule === null ? (
        <p className="hint">{waitingFor}</p>
      ) : p.error ? (
        <ErrorPanel error={p.error} />
      ) : p.data === null ? (
        <p className="hint">Replaying the rule over the last {hours} h…</p>
      ) : p.data.series.length === 0 ? (
        <p className="hint">
          The query found no data in the last {hours} h. Widen the span, or check the service,
          metric or search.
        </p>
      ) : (
        <>
          <PreviewChart preview={p.data} query={rule.query} />
          <p className="hint">
            {p.data.transitions.filter((t) => t.to === 'firing').length === 0
              ? 'It would not have fired in this span.'
              : `It would have fired ${p.data.transitions.filter((t) => t.to === 'firing').length} time(s) in this span.`}{' '}
            One point per {Math.round(p.data.step / 1000)} s.
          </p>
        </>
      )}
    </section>
  );
}
