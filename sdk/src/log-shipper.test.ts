import { describe, expect, it } from 'vitest';
import { pino } from 'pino';
import { trace, TraceFlags, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber, type LogRecord } from '@opentelemetry/api-logs';
import { DropCounter } from './drop-counter.ts';
import {
  DEFAULT_LINE_KEYS,
  InThreadSink,
  LogShipper,
  lineToLogRecord,
  toSeverity,
  type BatchSink,
} from './log-shipper.ts';

const SPAN: SpanContext = {
  traceId: '4bf92f3577b34da6a3ce929d0e0e4736',
  spanId: '00f067aa0ba902b7',
  traceFlags: TraceFlags.SAMPLED,
};

/** A real pino line, so the test follows pino's actual output format. */
function pinoLine(write: (log: pino.Logger) => void): string {
  let line = '';
  write(
    pino({ base: { pid: 1, hostname: 'h', service: 'svc' } }, { write: (l: string) => (line = l) }),
  );
  return line;
}

describe('lineToLogRecord', () => {
  it('maps message, level, time and fields; drops what the resource already says', () => {
    const line = pinoLine((log) =>
      log.warn({ orderId: 7, cart: { items: 2 }, trace_id: 'x' }, 'low stock'),
    );
    const record = lineToLogRecord(line, () => SPAN);
    expect(record.body).toBe('low stock');
    expect(record.severityNumber).toBe(SeverityNumber.WARN);
    expect(record.severityText).toBe('WARN');
    expect(typeof record.timestamp).toBe('number');
    expect(record.attributes).toEqual({ orderId: 7, cart: { items: 2 } });
    expect(trace.getSpanContext(record.context as NonNullable<LogRecord['context']>)).toEqual(SPAN);
  });

  it('adds OTel exception attributes for a logged error', () => {
    const line = pinoLine((log) => log.error(new TypeError('bad input'), 'failed'));
    const record = lineToLogRecord(line, () => undefined);
    expect(record.severityNumber).toBe(SeverityNumber.ERROR);
    expect(record.attributes?.['exception.type']).toBe('TypeError');
    expect(record.attributes?.['exception.message']).toBe('bad input');
    expect(record.attributes?.['exception.stacktrace']).toContain('TypeError: bad input');
  });

  it('maps pino levels, custom ones in between and labels', () => {
    expect([10, 20, 30, 35, 40, 50, 60].map((l) => toSeverity(l).text)).toEqual([
      'TRACE',
      'DEBUG',
      'INFO',
      'INFO',
      'WARN',
      'ERROR',
      'FATAL',
    ]);
    expect(toSeverity('error').number).toBe(SeverityNumber.ERROR);
    expect(toSeverity(undefined).number).toBe(SeverityNumber.UNSPECIFIED);
  });
});

describe('LogShipper', () => {
  function setup(maxStaged = 4) {
    const shipped: string[][] = [];
    let sinkOn = true;
    const drops = new DropCounter(60_000);
    const sink: BatchSink = { ship: (lines) => void shipped.push(lines) };
    const shipper = new LogShipper(() => (sinkOn ? sink : undefined), drops, maxStaged);
    return { shipped, drops, shipper, turnOff: () => (sinkOn = false) };
  }
  const line = (n: number): string => `{"level":30,"time":1,"msg":"m${n}"}\n`;

  it('does no work in the log call: lines go out on a later turn of the event loop', async () => {
    const { shipped, shipper } = setup();
    shipper.push(line(1), SPAN, DEFAULT_LINE_KEYS);
    shipper.push(line(2), SPAN, DEFAULT_LINE_KEYS);
    expect(shipped).toHaveLength(0);
    await new Promise((resolve) => setImmediate(resolve));
    expect(shipped).toEqual([[line(1), line(2)]]);
  });

  it('ships at once when too many lines wait, so a tight loop cannot grow memory', () => {
    const { shipped, shipper } = setup(4);
    for (let i = 0; i < 10; i += 1) shipper.push(line(i), SPAN, DEFAULT_LINE_KEYS);
    expect(shipped.map((batch) => batch.length)).toEqual([4, 4]);
    shipper.drain();
    expect(shipped.flat()).toHaveLength(10);
  });

  it('counts lines it cannot ship once the SDK is gone', () => {
    const { drops, shipper, turnOff } = setup();
    shipper.push(line(1), undefined, DEFAULT_LINE_KEYS);
    turnOff();
    shipper.drain();
    expect(drops.counts().logs).toBe(1);
  });
});

describe('InThreadSink', () => {
  it('emits a record per line with its span, and counts lines that are not JSON', () => {
    const emitted: LogRecord[] = [];
    const drops = new DropCounter(60_000);
    const sink = new InThreadSink({ emit: (r) => void emitted.push(r) }, drops);
    sink.ship(
      ['{"level":30,"time":1,"msg":"a"}\n', 'not json\n'],
      [SPAN, undefined],
      [DEFAULT_LINE_KEYS, DEFAULT_LINE_KEYS],
    );
    expect(emitted.map((r) => r.body)).toEqual(['a']);
    expect(trace.getSpanContext(emitted[0]?.context as NonNullable<LogRecord['context']>)).toEqual(
      SPAN,
    );
    expect(drops.counts().logs).toBe(1);
  });
});
