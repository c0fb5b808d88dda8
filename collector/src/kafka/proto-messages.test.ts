import { describe, expect, it } from 'vitest';
import { REQUEST_TYPES } from '../otlp/proto.ts';
import { DEFAULT_LIMITS } from '../otlp/values.ts';
import { decodeMessage } from './decode-message.ts';
import { toMessages } from './proto-messages.ts';

const T1 = '0af7651916cd43dd8448eb211c80319c';
const T2 = '5b8efff798038103d269b633813fc60c';
const span = (traceId: string, spanId: string) => ({
  traceId,
  spanId,
  name: `op-${spanId}`,
  startTimeUnixNano: '1700000000000000000',
  endTimeUnixNano: '1700000000001000000',
});

// OTLP/JSON as an SDK sends it: hex ids.
const tracesJson = {
  resourceSpans: [
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'a' } }] },
      scopeSpans: [
        {
          scope: { name: 's1' },
          spans: [span(T1, '0000000000000001'), span(T2, '0000000000000002')],
        },
        { scope: { name: 's2' }, spans: [span(T1, '0000000000000003')] },
      ],
    },
    {
      resource: { attributes: [{ key: 'service.name', value: { stringValue: 'b' } }] },
      scopeSpans: [{ scope: { name: 's3' }, spans: [span(T2, '0000000000000004')] }],
    },
  ],
};

type Plain = Record<string, unknown> & {
  resourceSpans: {
    resource: { attributes: { value: { stringValue: string } }[] };
    scopeSpans: { scope: { name: string }; spans: { traceId: string; spanId: string }[] }[];
  }[];
};

// Bytes come back as base64; ids read better in hex.
const decodeTraces = (value: Buffer): Plain =>
  JSON.parse(
    JSON.stringify(
      REQUEST_TYPES.traces.toObject(REQUEST_TYPES.traces.decode(value) as object, {
        bytes: String,
        longs: String,
      }),
      (k, v: unknown) =>
        (k === 'traceId' || k === 'spanId') && typeof v === 'string'
          ? Buffer.from(v, 'base64').toString('hex')
          : v,
    ),
  ) as Plain;

describe('toMessages', () => {
  it('splits spans by trace id, keeping their resources and scopes, keyed by the hex id', () => {
    const messages = toMessages('traces', tracesJson);
    expect(messages.map((m) => m.key)).toEqual([T1, T2]);
    const [one, two] = messages.map((m) => decodeTraces(m.value));
    const shape = (p: Plain) =>
      p.resourceSpans.map((rs) => [
        rs.resource.attributes[0]!.value.stringValue,
        rs.scopeSpans.map((ss) => [ss.scope.name, ss.spans.map((s) => s.spanId.slice(-1))]),
      ]);
    expect(shape(one!)).toEqual([
      [
        'a',
        [
          ['s1', ['1']],
          ['s2', ['3']],
        ],
      ],
    ]);
    expect(shape(two!)).toEqual([
      ['a', [['s1', ['2']]]],
      ['b', [['s3', ['4']]]],
    ]);
    expect(one!.resourceSpans[0]!.scopeSpans[0]!.spans[0]!.traceId).toBe(T1);
  });

  it('gives a decoded protobuf request the same messages as its OTLP/JSON form', () => {
    const proto = REQUEST_TYPES.traces.decode(
      REQUEST_TYPES.traces.encode(toMessagesInput()).finish(),
    );
    expect(toMessages('traces', proto)).toEqual(toMessages('traces', tracesJson));
  });

  it('keys logs by trace id only when every record shares one', () => {
    const logs = (ids: string[]) => ({
      resourceLogs: [
        {
          scopeLogs: [
            { logRecords: ids.map((traceId) => ({ traceId, body: { stringValue: 'x' } })) },
          ],
        },
      ],
    });
    expect(toMessages('logs', logs([T1, T1])).map((m) => m.key)).toEqual([T1]);
    expect(toMessages('logs', logs([T1, T2])).map((m) => m.key)).toEqual([null]);
    expect(toMessages('logs', logs([T1, ''])).map((m) => m.key)).toEqual([null]);
    expect(toMessages('logs', logs([])).map((m) => m.key)).toEqual([null]);
  });

  it('sends metrics as one unkeyed message that decodes to the request', () => {
    const req = {
      resourceMetrics: [
        {
          scopeMetrics: [
            {
              metrics: [
                { name: 'm', gauge: { dataPoints: [{ asDouble: 1.5, timeUnixNano: '1' }] } },
              ],
            },
          ],
        },
      ],
    };
    const [m, ...rest] = toMessages('metrics', req);
    expect(rest).toEqual([]);
    expect(m!.key).toBeNull();
    const back = REQUEST_TYPES.metrics.toObject(REQUEST_TYPES.metrics.decode(m!.value) as object, {
      longs: String,
    });
    expect(back).toEqual(req);
  });
});

function toMessagesInput(): object {
  return REQUEST_TYPES.traces.fromObject(
    JSON.parse(
      JSON.stringify(tracesJson, (k, v: unknown) =>
        (k === 'traceId' || k === 'spanId') && typeof v === 'string'
          ? Buffer.from(v, 'hex').toString('base64')
          : v,
      ),
    ) as object,
  );
}

describe('the Kafka path (OTLP protobuf on the topic)', () => {
  it('keeps fields newer than opentelemetry-proto 1.3: a log record’s eventName', () => {
    const request = {
      resourceLogs: [
        {
          scopeLogs: [
            {
              scope: { name: 'journal', version: '1.0' },
              logRecords: [
                { timeUnixNano: '1700000000000000000', eventName: 'paiement.refusé', traceId: T1 },
              ],
            },
          ],
        },
      ],
    };
    const [message] = toMessages('logs', request);
    const decoded = decodeMessage('logs', message!.value, DEFAULT_LIMITS);
    expect(decoded.ok && decoded.rows.logs).toEqual([
      expect.objectContaining({
        EventName: 'paiement.refusé',
        ScopeName: 'journal',
        ScopeVersion: '1.0',
        TraceId: T1,
      }),
    ]);
  });
});
