import { useState } from 'react';
import { LogFacetsResponse } from '@sightline/model/api/logs';
import { apiGet, useApi } from '../api.ts';
import { quoteValue } from '../format.ts';
import type { LogField } from './log-fields.ts';

const ALWAYS = ['level', 'service'] as const;

interface Props {
  readonly q: string;
  readonly from: number;
  readonly to: number;
  /** Attribute fields found in the loaded results; their values load when opened. */
  readonly fields: readonly LogField[];
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
      {props.fields.length > 0 && <h3 className="facets-heading">Fields in these results</h3>}
      {props.fields.map((f) =>
        open.has(f.field) ? (
          <Facet key={f.field} field={f.field} {...props} onClose={() => toggle(f.field)} />
        ) : (
          <button
            key={f.field}
            type="button"
            className="facet-field"
            title={`Top values of ${f.field} (${f.source === 'log' ? 'log attribute' : 'resource attribute'})`}
            aria-expanded={false}
            onClick={() => toggle(f.field)}
          >
            <span className="caret">▸</span>
            <span className="mono">{f.field}</span>
            <span className="count">{f.rows}</span>
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
  onFilter,
  onClose,
}: Props & { field: string; onClose?: () => void }) {
  const res = useApi(JSON.stringify([field, q, from, to]), (signal) =>
    apiGet(LogFacetsResponse, '/logs/facets', { field, q, from, to, limit: 10 }, signal),
  );
  return (
    <section className="facet" data-field={field}>
      {onClose ? (
        <button
          type="button"
          className="facet-field"
          aria-expanded
          title="Hide values"
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
