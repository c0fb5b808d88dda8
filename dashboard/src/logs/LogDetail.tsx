import type { LogRecord } from '@sightline/model/api/logs';
import { quoteValue } from '../format.ts';
import { hrefTo } from '../router.ts';
import { Link } from '../components/Link.tsx';
import { AttributeTable } from '../trace/SpanDetail.tsx';

interface Props {
  readonly record: LogRecord;
  /** Opens the lines logged around the record; absent where that makes no sense (live tail). */
  readonly onContext?: () => void;
}

/** A search for records with the same value of one field, in the range being viewed. */
const searchHref = (clause: string): string =>
  hrefTo('/logs', { q: clause }, new URLSearchParams(location.search));

/** The expanded view of one log record. */
export function LogDetail({ record: r, onContext }: Props) {
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
      <pre className="log-body">{r.body}</pre>
      <h4>Attributes</h4>
      <AttributeTable attrs={r.attributes} label="Log attributes" />
      <h4>Resource</h4>
      <AttributeTable attrs={r.resourceAttributes} label="Log resource" />
    </div>
  );
}
