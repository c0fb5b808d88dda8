import type { LogRecord } from '@sightline/model/api/logs';
import { quoteValue } from '../format.ts';
import { hrefTo } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { prettyBody } from './highlight.ts';
import { attributeField } from './log-fields.ts';

interface Props {
  readonly record: LogRecord;
  /** Opens the lines logged around the record; absent where that makes no sense (live tail). */
  readonly onContext?: () => void;
  /** Adds `field:value` (or `-field:value`) to the query; absent: the values are not buttons. */
  readonly onFilter?: (clause: string) => void;
}

/** A search for records with the same value of one field, in the range being viewed. */
const searchHref = (clause: string): string =>
  hrefTo('/logs', { q: clause }, new URLSearchParams(location.search));

/** The expanded view of one log record. */
export function LogDetail({ record: r, onContext, onFilter }: Props) {
  return (
    <div className="log-detail">
      <p>
        {r.traceId ? (
          <Link
            className="button"
            href={hrefTo(`/traces/${r.traceId}`, { span: r.spanId || null })}
          >
            View trace
          </Link>
        ) : (
          <span className="hint">No trace id on this record.</span>
        )}{' '}
        {onContext && (
          <button type="button" onClick={onContext}>
            Surrounding logs
          </button>
        )}{' '}
        <span className="sub">
          severity {r.severityText || '—'} ({r.severityNumber})
        </span>
      </p>
      <dl className="facts">
        <dt>Event</dt>
        <dd data-field="event_name">
          {r.eventName ? (
            <Link href={searchHref(`event_name:${quoteValue(r.eventName)}`)}>{r.eventName}</Link>
          ) : (
            <span className="hint">not an event</span>
          )}
        </dd>
        <dt>Scope</dt>
        <dd data-field="scope">
          {r.scope.name ? (
            <Link href={searchHref(`scope.name:${quoteValue(r.scope.name)}`)}>{r.scope.name}</Link>
          ) : (
            <span className="hint">no instrumentation scope</span>
          )}
          {r.scope.version && <span className="sub"> version {r.scope.version}</span>}
        </dd>
      </dl>
      <pre className="log-body">{prettyBody(r.body)}</pre>
      <FieldTable
        label="Record fields"
        rows={[
          ['service', 'service', r.service],
          ['level', 'level', r.level],
          ...(r.traceId ? [['trace_id', 'trace_id', r.traceId] as const] : []),
          ...(r.spanId ? [['span_id', 'span_id', r.spanId] as const] : []),
        ]}
        onFilter={onFilter}
      />
      <h4>Attributes</h4>
      <FieldTable
        label="Log attributes"
        rows={Object.entries(r.attributes).map(([k, v]) => [
          attributeField(k, 'attr', !(k in r.resourceAttributes)),
          k,
          v,
        ])}
        onFilter={onFilter}
      />
      <h4>Resource</h4>
      <FieldTable
        label="Log resource"
        rows={Object.entries(r.resourceAttributes).map(([k, v]) => [
          attributeField(k, 'resource', !(k in r.attributes)),
          k,
          v,
        ])}
        onFilter={onFilter}
      />
    </div>
  );
}

/** The field as the query bar names it, the key as sent, and the value. */
type FieldRow = readonly [field: string, key: string, value: string];

/** Fields of one record; each value can be added to the query as a filter for or against it. */
function FieldTable({
  label,
  rows,
  onFilter,
}: {
  label: string;
  rows: readonly FieldRow[];
  onFilter: ((clause: string) => void) | undefined;
}) {
  if (rows.length === 0) return <p className="hint">No {label.toLowerCase()}.</p>;
  const sorted = [...rows].sort((a, b) => a[1].localeCompare(b[1]));
  return (
    <table className="attrs" aria-label={label}>
      <tbody>
        {sorted.map(([field, key, value]) => {
          const clause = `${field}:${quoteValue(value)}`;
          return (
            <tr key={field} data-field={field}>
              <th>{key}</th>
              <td>{value}</td>
              {onFilter && (
                <td className="filter-buttons">
                  <button
                    type="button"
                    title={`Filter for ${clause}`}
                    aria-label={`Filter for ${clause}`}
                    onClick={() => onFilter(clause)}
                  >
                    +
                  </button>
                  <button
                    type="button"
                    title={`Filter out ${clause}`}
                    aria-label={`Filter out ${clause}`}
                    onClick={() => onFilter(`-${clause}`)}
                  >
                    −
                  </button>
                </td>
              )}
            </tr>
          );
        })}
      </tbody>
    </table>
  );
}
