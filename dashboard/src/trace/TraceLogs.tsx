import type { TraceLog } from '@sightline/model/api/traces';
import { formatMs, formatTime, LEVEL_COLORS, nsToEpochMs } from '../format.ts';

interface TraceLogsProps {
  readonly logs: readonly TraceLog[];
  readonly truncated: boolean;
  /** Offsets are shown from here: the trace's first span, or its first log when it has no spans. */
  readonly startNs: bigint;
  readonly selectedSpanId?: string | null;
  readonly onSelect?: (log: TraceLog) => void;
}

/** The logs that carry one trace id, each with its offset from the start of the trace. */
export function TraceLogs({ logs, truncated, startNs, selectedSpanId, onSelect }: TraceLogsProps) {
  return (
    <>
      <h2>
        Logs ({logs.length}
        {truncated ? '+' : ''})
      </h2>
      {logs.length === 0 ? (
        <p className="hint">
          No logs carry this trace id. Logs get one when emitted inside a span with a trace-aware
          logger.
        </p>
      ) : (
        <table className="grid trace-logs">
          <tbody>
            {logs.map((l, i) => (
              <tr
                key={i}
                className={
                  l.spanId && l.spanId === selectedSpanId ? 'selected clickable' : 'clickable'
                }
                onClick={() => onSelect?.(l)}
              >
                <td className="mono nowrap">
                  +{formatMs(Number(BigInt(l.timeUnixNano) - startNs) / 1e6)}
                </td>
                <td>
                  <span className="level" style={{ background: levelColor(l.severityNumber) }}>
                    {l.severityText || 'log'}
                  </span>
                </td>
                <td className="nowrap">{l.serviceName}</td>
                <td className="body">{l.body}</td>
                <td className="sub nowrap">{formatTime(nsToEpochMs(l.timeUnixNano))}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  );
}

function levelColor(n: number): string {
  if (n >= 21) return LEVEL_COLORS.fatal;
  if (n >= 17) return LEVEL_COLORS.error;
  if (n >= 13) return LEVEL_COLORS.warn;
  if (n >= 9) return LEVEL_COLORS.info;
  if (n >= 5) return LEVEL_COLORS.debug;
  if (n >= 1) return LEVEL_COLORS.trace;
  return LEVEL_COLORS.unknown;
}
