import { beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import { NodeTracerProvider } from '@opentelemetry/sdk-trace-node';
import { CapturedLines } from '../test/helpers.ts';
import { createLogger } from './logger.ts';

// No init() here: tracing without shipping, to check the local lines alone.
beforeAll(() => {
  new NodeTracerProvider().register();
});

describe('createLogger', () => {
  it('adds trace_id, span_id and correlation_id inside a span, and service everywhere', () => {
    const lines = new CapturedLines();
    const log = createLogger({ destination: lines.destination });
    log.info('outside');
    trace.getTracer('t').startActiveSpan('work', (span) => {
      log.child({ orderId: 5 }).warn({ step: 2 }, 'inside');
      span.end();
    });
    const [outside, inside] = lines.parsed;
    expect(outside).toMatchObject({ msg: 'outside', service: 'unknown_service:node' });
    expect(outside).not.toHaveProperty('trace_id');
    expect(outside).toHaveProperty('pid', process.pid);

    const traceId = inside?.trace_id;
    const spanId = inside?.span_id;
    expect(traceId).toMatch(/^[0-9a-f]{32}$/);
    expect(spanId).toMatch(/^[0-9a-f]{16}$/);
    expect(inside).toMatchObject({
      level: 40,
      msg: 'inside',
      orderId: 5,
      step: 2,
      correlation_id: traceId,
    });
  });

  it('keeps pino options: base, messageKey, a mixin of the app, CRLF line ends', () => {
    const lines = new CapturedLines();
    const log = createLogger({
      destination: lines.destination,
      base: { region: 'eu' },
      messageKey: 'message',
      mixin: () => ({ tenant: 't1' }),
      crlf: true,
    });
    trace.getTracer('t').startActiveSpan('work', (span) => {
      log.info('hello');
      span.end();
    });
    expect(lines.raw[0]?.endsWith('}\r\n')).toBe(true);
    expect(lines.parsed[0]).toMatchObject({
      region: 'eu',
      service: 'unknown_service:node',
      message: 'hello',
      tenant: 't1',
    });
    expect(lines.parsed[0]).toHaveProperty('trace_id');
    expect(lines.parsed[0]).not.toHaveProperty('pid');
  });
});
