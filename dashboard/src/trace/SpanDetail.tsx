import type { Span } from '@sightline/model/api/traces';
import { formatMs, nsToMs } from '../format.ts';
import { serviceColor } from '../service-colors.ts';
import { hrefTo } from '../router.ts';
import { Link } from '../components/Link.tsx';

export function AttributeTable({
  attrs,
  label,
}: {
  attrs: Readonly<Record<string, string>>;
  label: string;
}) {
  const keys = Object.keys(attrs).sort();
  if (keys.length === 0) return <p className="hint">No {label.toLowerCase()}.</p>;
  return (
    <table className="attrs" aria-label={label}>
      <tbody>
        {keys.map((k) => (
          <tr key={k}>
            <th>{k}</th>
            <td>{attrs[k]}</td>
          </tr>
        ))}
      </tbody>
    </table>
  );
}

interface Props {
  readonly span: Span;
  readonly traceStartNs: bigint;
  readonly logsHref: string;
  readonly onClose: () => void;
}

export function SpanDetail({ span, traceStartNs, logsHref, onClose }: Props) {
  const offset = (ns: string) => formatMs(Number(BigInt(ns) - traceStartNs) / 1e6);
  return (
    <aside className="span-detail card" aria-label="Span detail">
      <header>
        <h2>
          <span className="swatch" style={{ background: serviceColor(span.serviceName) }} />
          {span.name}
        </h2>
        <button type="button" onClick={onClose} aria-label="Close span detail">
          ✕
        </button>
      </header>
      <dl className="facts">
        <dt>Service</dt>
        <dd>{span.serviceName}</dd>
        <dt>Kind</dt>
        <dd>{span.kind}</dd>
        <dt>Duration</dt>
        <dd>{formatMs(nsToMs(span.durationNano))}</dd>
        <dt>Starts at</dt>
        <dd>+{offset(span.startTimeUnixNano)}</dd>
        <dt>Status</dt>
        <dd className={span.statusCode === 'Error' ? 'bad' : undefined}>
          {span.statusCode}
          {span.statusMessage && `: ${span.statusMessage}`}
        </dd>
        <dt>Span id</dt>
        <dd className="mono">{span.spanId}</dd>
        <dt>Scope</dt>
        <dd>{span.scopeName ? `${span.scopeName} ${span.scopeVersion}` : '—'}</dd>
      </dl>
      <p>
        <Link className="button" href={logsHref}>
          Logs of this span
        </Link>
      </p>
      <h3>Attributes</h3>
      <AttributeTable attrs={span.attributes} label="Attributes" />
      <h3>Resource</h3>
      <AttributeTable attrs={span.resourceAttributes} label="Resource" />
      <h3>Events ({span.events.length})</h3>
      {span.events.map((e, i) => (
        <div key={i} className="event">
          <strong>{e.name}</strong> <span className="sub">+{offset(e.timeUnixNano)}</span>
          <AttributeTable attrs={e.attributes} label={`${e.name} attributes`} />
        </div>
      ))}
      <h3>Links ({span.links.length})</h3>
      {span.links.map((l) => (
        <div key={`${l.traceId}-${l.spanId}`} className="event">
          <Link href={hrefTo(`/traces/${l.traceId}`, { span: l.spanId })} className="mono">
            {l.traceId} / {l.spanId}
          </Link>
          <AttributeTable attrs={l.attributes} label="Link attributes" />
        </div>
      ))}
    </aside>
  );
}
