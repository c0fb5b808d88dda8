import { useState } from 'react';
import { LogFacetsResponse } from '@sightline/model/api/logs';
import { apiGet, useApi } from '../api.ts';
import { quoteValue } from '../format.ts';
import type { LogField } from './log-fields.ts';

const ALWAYS = ['level', 'service'] as const;
const SOURCE = {
  log: 'log attribute',
  resource: 'resource attribute',
  both: 'log or resource attribute',
} as const;

interface Props {
  readonly q: string;
  readonly from: number;
  readonly to: number;
  /** Attribute fields found in the loaded results; their values load when opened. */
  readonly fields: readonly LogField[];
  /** How many loaded records `fields` was counted in: its counts are of that sample. */
  readonly sampled: number;
  /** Passed on to the facets API. */
  readonly selfTelemetry: 'show' | undefined;
  readonly onFilter: (clause: string) => void;
}

export function FacetSidebar(props: Props) {
  const [open, setOpen] = useState<ReadonlySet<string>>(new Set());
  const toggle = (f: string) =>
    setOpen((s) => {
      const next = new Set(s);
      if (!next.delete(f)) next.add(f);
      return next;
    });
  return (
    <aside className="facets" aria-label="Fields">
      {ALWAYS.map((f) => (
        <Facet key={f} field={f} {...props} />
      ))}
      {props.fields.length > 0 && (
        <h3
          className="facets-heading"
          title="Counted in the records loaded below, not in every match; open a field for its counts over the whole range"
        >
          Fields in the {props.sampled} newest records <span className="sub">(sampled)</span>
        </h3>
      )}
      {props.fields.map((f) =>
        open.has(f.field) ? (
          <Facet key={f.field} field={f.field} {...props} onClose={() => toggle(f.field)} />
        ) : (
          <button
            key={f.field}
            type="button"
            className="facet-field"
            title={`Top values of ${f.field} (${SOURCE[f.source]}); ${f.rows} of the ${props.sampled} sampled records have it`}
            aria-expanded={false}
            onClick={() => toggle(f.field)}
          >
            <span className="caret">▸</span>
            <span className="mono">{f.field}</span>
            <span className="count" aria-label={`${f.rows} of ${props.sampled} sampled`}>
              {f.rows}
            </span>
          </button>
        ),
      )}
    </aside>
  );
}

function Facet({
  field,
  q,
  from,
  to,
  selfTelemetry,
  onFilter,
  onClose,
}: Props & { field: string; onClose?: () => void }) {
  const res = useApi(JSON.stringify([field, q, from, to, selfTelemetry]), (signal) =>
    apiGet(
      LogFacetsResponse,
      '/logs/facets',
      { field, q, from, to, limit: 10, selfTelemetry },
      signal,
    ),
  );
  return (
    <section className="facet" data-field={field}>
      {onClose ? (
        <button
          type="button"
          className="facet-field"
          aria-expanded
          aria-label={`Close the values of ${field}`}
          title="Hide values (Esc)"
          onClick={onClose}
        >
          <span className="caret">▾</span>
          <span className="mono">{field}</span>
        </button>
      ) : (
        <h3>{field}</h3>
      )}
      {res.status === 'loading' && <p className="hint">…</p>}
      {res.status === 'error' && <p className="hint bad">{res.error.message}</p>}
      {res.status === 'ok' && res.data.values.length === 0 && <p className="hint">no values</p>}
      {res.status === 'ok' && (
        <ul>
          {res.data.values.map((v) => {
            const clause = `${field}:${quoteValue(v.value)}`;
            return (
              <li key={v.value}>
                <button
                  type="button"
                  className="facet-value"
                  title={`Only ${clause}`}
                  onClick={() => onFilter(clause)}
                >
                  <span>{v.value || '(empty)'}</span>
                  <span className="count">{v.count}</span>
                </button>
                <button
                  type="button"
                  className="facet-exclude"
                  title={`Exclude ${clause}`}
                  aria-label={`Exclude ${field} ${v.value}`}
                  onClick={() => onFilter(`-${clause}`)}
                >
                  −
                </button>
              </li>
            );
          })}
          {res.data.missing > 0 && onClose && (
            <li className="hint">{res.data.missing} without it</li>
          )}
        </ul>
      )}
    </section>
  );
}
