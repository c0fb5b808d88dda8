import { describe, expect, it } from 'vitest';
import { mapLogs } from './map-logs.ts';
import { OTLP_PROTO_RELEASE, REQUEST_TYPES } from './proto.ts';
import { DEFAULT_LIMITS } from './values.ts';

const roundTrip = (request: object): unknown => {
  const T = REQUEST_TYPES.logs;
  return T.decode(T.encode(T.fromObject(request)).finish());
};

describe('the OTLP protobuf schema', () => {
  it('is a current opentelemetry-proto release', () => {
    const [major, minor] = OTLP_PROTO_RELEASE.replace(/^v/, '').split('.').map(Number);
    expect(major).toBe(1);
    expect(minor).toBeGreaterThanOrEqual(11);
  });

  it('decodes LogRecord.event_name (field 12), which opentelemetry-proto 1.3 lacked', () => {
    const decoded = roundTrip({
      resourceLogs: [
        { scopeLogs: [{ logRecords: [{ timeUnixNano: '1', eventName: 'é.login' }] }] },
      ],
    });
    expect(mapLogs(decoded, DEFAULT_LIMITS).rows[0]?.EventName).toBe('é.login');
  });

  it('tells which AnyValue member is set, zeros and empty strings included', () => {
    const values = [{ intValue: 0 }, { stringValue: '' }, { boolValue: false }, { doubleValue: 0 }];
    const decoded = roundTrip({
      resourceLogs: [
        {
          scopeLogs: [
            {
              logRecords: values.map((body) => ({ timeUnixNano: '1', body })),
            },
          ],
        },
      ],
    });
    const rows = mapLogs(decoded, DEFAULT_LIMITS).rows;
    expect(rows.map((r) => r.Body)).toEqual(['0', '', 'false', '0']);
    expect(rows.map((r) => r.TraceId)).toEqual(['', '', '', '']);
  });
});
