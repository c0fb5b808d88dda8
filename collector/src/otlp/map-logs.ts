import type { LogRow } from '@sightline/model/rows';
import { ItemError, Rejections } from './item-error.ts';
import type { Mapped } from './map-traces.ts';
import { resourceOf, scopeOf } from './resource.ts';
import {
  anyValueToString,
  attributes,
  checkTime,
  enumValue,
  hexId,
  list,
  num,
  optObj,
  str,
  nanos,
  type MapLimits,
} from './values.ts';

const SEVERITY_ENUM = [
  'SEVERITY_NUMBER_UNSPECIFIED',
  ...['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL'].flatMap((s) =>
    ['', '2', '3', '4'].map((n) => `SEVERITY_NUMBER_${s}${n}`),
  ),
];

/** ExportLogsServiceRequest → log rows; a record that cannot be stored is rejected alone. */
export function mapLogs(req: unknown, limits: MapLimits): Mapped<LogRow> {
  const rows: LogRow[] = [];
  const rejected = new Rejections();
  const rls = list(optObj(req, 'request').resourceLogs, 'resourceLogs');
  for (let r = 0; r < rls.length; r++) {
    const rPath = `resourceLogs[${r}]`;
    const rl = optObj(rls[r], rPath);
    const res = resourceOf(rl, limits, rPath);
    const sls = list(rl.scopeLogs, rPath, 'scopeLogs');
    for (let s = 0; s < sls.length; s++) {
      const sPath = `${rPath}.scopeLogs[${s}]`;
      const sl = optObj(sls[s], sPath);
      const scope = scopeOf(sl, limits, sPath);
      const records = list(sl.logRecords, sPath, 'logRecords');
      for (let i = 0; i < records.length; i++) {
        const path = `${sPath}.logRecords[${i}]`;
        try {
          const lr = optObj(records[i], path);
          let ts = nanos(lr.timeUnixNano, path, 'timeUnixNano');
          let tsField = 'timeUnixNano';
          // As the spec suggests, a record without an event time is placed at its observed time.
          if (/^0+$/.test(ts)) {
            tsField = 'observedTimeUnixNano';
            ts = nanos(lr.observedTimeUnixNano, path, tsField);
          }
          checkTime(ts, limits, path, tsField);
          const severity = enumValue(lr.severityNumber, SEVERITY_ENUM, path, 'severityNumber');
          if (severity < 0 || severity > 24)
            throw new ItemError(`${path}.severityNumber`, 'must be 0–24');
          rows.push({
            Timestamp: ts,
            TraceId: hexId(lr.traceId, 16, path, 'traceId'),
            SpanId: hexId(lr.spanId, 8, path, 'spanId'),
            TraceFlags: num(lr.flags, path, 'flags') & 0xff,
            SeverityText: str(lr.severityText, path, 'severityText'),
            SeverityNumber: severity,
            ServiceName: res.serviceName,
            Body: anyValueToString(lr.body, limits, path, 'body'),
            ResourceSchemaUrl: res.resourceSchemaUrl,
            ResourceAttributes: res.resourceAttributes,
            ScopeSchemaUrl: scope.scopeSchemaUrl,
            ScopeName: scope.scopeName,
            ScopeVersion: scope.scopeVersion,
            ScopeAttributes: scope.scopeAttributes,
            LogAttributes: attributes(lr.attributes, limits, path, 'attributes'),
            EventName: str(lr.eventName, path, 'eventName'),
          });
        } catch (err) {
          if (!(err instanceof ItemError)) throw err;
          rejected.add(err);
        }
      }
    }
  }
  return { rows, rejected };
}
