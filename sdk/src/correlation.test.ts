import { describe, expect, it } from 'vitest';
import {
  defaultTextMapGetter,
  defaultTextMapSetter,
  propagation,
  ROOT_CONTEXT,
  trace,
  TraceFlags,
  type Context,
} from '@opentelemetry/api';
import { CORRELATION_BAGGAGE_KEY, getCorrelationId, sanitizeCorrelationId } from './correlation.ts';
import { createPropagator } from './propagators.ts';

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const TRACEPARENT = `00-${TRACE_ID}-00f067aa0ba902b7-01`;

function extract(
  headers: Record<string, string>,
  names = ['tracecontext', 'baggage'] as const,
): Context {
  return createPropagator([...names]).extract(ROOT_CONTEXT, headers, defaultTextMapGetter);
}

function inject(
  ctx: Context,
  names: ('tracecontext' | 'baggage' | 'b3' | 'b3multi')[],
): Record<string, string> {
  const carrier: Record<string, string> = {};
  createPropagator(names).inject(ctx, carrier, defaultTextMapSetter);
  return carrier;
}

describe('correlation propagation', () => {
  it('adopts x-correlation-id, else x-request-id, when no traceparent came', () => {
    expect(getCorrelationId(extract({ 'x-correlation-id': 'abc-1' }))).toBe('abc-1');
    expect(getCorrelationId(extract({ 'x-request-id': 'req-2' }))).toBe('req-2');
    expect(getCorrelationId(extract({ 'x-correlation-id': 'c', 'x-request-id': 'r' }))).toBe('c');
  });

  it('uses the trace id when a traceparent came, ignoring the header', () => {
    const ctx = extract({ traceparent: TRACEPARENT, 'x-correlation-id': 'abc-1' });
    expect(getCorrelationId(ctx)).toBe(TRACE_ID);
  });

  it('keeps the id an upstream service put in baggage', () => {
    const ctx = extract({
      traceparent: TRACEPARENT,
      baggage: `${CORRELATION_BAGGAGE_KEY}=from-upstream,other=1`,
    });
    expect(getCorrelationId(ctx)).toBe('from-upstream');
    expect(propagation.getBaggage(ctx)?.getEntry('other')?.value).toBe('1');
  });

  it('carries the id on outgoing calls as baggage next to traceparent', () => {
    const incoming = extract({ 'x-correlation-id': 'abc-1' });
    const ctx = trace.setSpanContext(incoming, {
      traceId: TRACE_ID,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    const headers = inject(ctx, ['tracecontext', 'baggage']);
    expect(headers.traceparent).toBe(TRACEPARENT);
    expect(headers.baggage).toBe(`${CORRELATION_BAGGAGE_KEY}=abc-1`);
  });

  it('writes B3 headers only when asked to', () => {
    const ctx = trace.setSpanContext(ROOT_CONTEXT, {
      traceId: TRACE_ID,
      spanId: '00f067aa0ba902b7',
      traceFlags: TraceFlags.SAMPLED,
    });
    expect(inject(ctx, ['tracecontext', 'baggage'])).not.toHaveProperty('b3');
    expect(inject(ctx, ['tracecontext', 'b3']).b3).toBe(`${TRACE_ID}-00f067aa0ba902b7-1`);
    expect(inject(ctx, ['tracecontext', 'b3multi'])['x-b3-traceid']).toBe(TRACE_ID);
  });

  it('rejects ids that are empty, too long or not printable', () => {
    expect(sanitizeCorrelationId('  ok-1 ')).toBe('ok-1');
    expect(sanitizeCorrelationId(['first', 'second'])).toBe('first');
    expect(sanitizeCorrelationId('')).toBeUndefined();
    expect(sanitizeCorrelationId('x'.repeat(129))).toBeUndefined();
    expect(sanitizeCorrelationId('a\nb')).toBeUndefined();
    expect(sanitizeCorrelationId('with space')).toBeUndefined();
    expect(getCorrelationId(extract({ 'x-correlation-id': 'a\u0000b' }))).toBeUndefined();
  });
});
