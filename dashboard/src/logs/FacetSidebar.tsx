import { LogFacetsResponse } from '@sightline/model/api/logs';
import { apiGet, useApi } from '../api.ts';
import { quoteValue } from '../format.ts';

const FIELDS = ['level', 'service'] as const;

interface Props {
  readonly q: string;
  readonly from: number;
  readonly to: number;
  readonly extraFields: readonly string[];
  readonly onFilter: (clause: string) => void;
}

export function FacetSidebar(props: Props) {
  const fields = [
    ...FIELDS,
    ...props.extraFields.filter((f) => !(FIELDS as readonly string[]).includes(f)),
  ];
  return (
    <aside className="facets" aria-label="Fields">
      {fields.map((f) => (
        <Facet key={f} field={f} {...props} />
      ))}
    </aside>
  );
}

function Facet({ field, q, from, to, onFilter }: Props & { field: string }) {
  const res = useApi(JSON.stringify([field, q, from, to]), (signal) =>
    apiGet(LogFacetsResponse, '/logs/facets', { field, q, from, to, limit: 10 }, signal),
  );
  return (
    <section className="facet">
      <h3>{field}</h3>
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
        </ul>
      )}
    </section>
  );
}
