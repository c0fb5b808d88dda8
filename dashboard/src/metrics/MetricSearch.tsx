import { useState } from 'react';
import type { MetricInfo } from '@sightline/model/api/metrics';
import { splitHighlights } from '../logs/highlight.ts';
import { groupMetrics, unitLabel } from './metric-search.ts';

interface Props {
  readonly metrics: readonly MetricInfo[];
  /** Names charted now, marked in the list. */
  readonly active: ReadonlySet<string>;
  readonly onPick: (name: string) => void;
}

/** Every metric with its description and unit, grouped by service, narrowed by a search box. */
export function MetricSearch({ metrics, active, onPick }: Props) {
  const [search, setSearch] = useState('');
  const groups = groupMetrics(metrics, search);
  const words = search.split(/\s+/).filter(Boolean);
  const marked = (text: string) =>
    splitHighlights(text, words).map((p, i) => (p.hit ? <mark key={i}>{p.text}</mark> : p.text));
  return (
    <div className="metric-list card">
      <input
        type="search"
        aria-label="Search metrics"
        placeholder="Search name, description, unit, service"
        value={search}
        onChange={(e) => setSearch(e.target.value)}
      />
      {groups.length === 0 && <p className="hint">No metric matches “{search}”.</p>}
      {groups.map((g) => (
        <section key={g.service} aria-label={`Metrics of ${g.service || 'no service'}`}>
          <h3 className="metric-service">{g.service || '(no service)'}</h3>
          <ul>
            {g.metrics.map((m) => (
              <li key={`${m.name}-${m.type}`}>
                <button
                  type="button"
                  className={active.has(m.name) ? 'active' : undefined}
                  title="Chart in the last query"
                  onClick={() => onPick(m.name)}
                >
                  <span className="mono">{marked(m.name)}</span>
                  {m.description && (
                    <span className="metric-description">{marked(m.description)}</span>
                  )}
                  <span className="sub">
                    {m.type} · {unitLabel(m.unit)}
                  </span>
                </button>
              </li>
            ))}
          </ul>
        </section>
      ))}
    </div>
  );
}
