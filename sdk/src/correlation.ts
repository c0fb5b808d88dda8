import { ServerResponse, type IncomingMessage } from 'node:http';
import {
  context,
  isSpanContextValid,
  propagation,
  trace,
  type Context,
  type Span,
  ROOT_CONTEXT,
  type TextMapGetter,
  type TextMapPropagator,
} from '@opentelemetry/api';

/**
 * The trace id is the correlation id. A caller that sends no `traceparent` but its own
 * `x-correlation-id` / `x-request-id` keeps that id: we carry it in W3C baggage under this key,
 * so it follows the request through every HTTP and Kafka hop that propagates baggage.
 */
export const CORRELATION_BAGGAGE_KEY = 'sightline.correlation_id';
export const CORRELATION_ATTRIBUTE = 'sightline.correlation_id';
export const CORRELATION_RESPONSE_HEADER = 'x-correlation-id';
const INCOMING_HEADERS = ['x-correlation-id', 'x-request-id'] as const;

// Ids come from untrusted callers and end up in headers, logs and span attributes.
const MAX_ID_LENGTH = 128;
const SAFE_ID = /^[\x21-\x7e]+$/;

export function sanitizeCorrelationId(value: unknown): string | undefined {
  const raw = Array.isArray(value) ? (value[0] as unknown) : value;
  if (typeof raw !== 'string') return undefined;
  const trimmed = raw.trim();
  if (trimmed.length === 0 || trimmed.length > MAX_ID_LENGTH || !SAFE_ID.test(trimmed)) {
    return undefined;
  }
  return trimmed;
}

/** The correlation id a caller supplied (directly or via baggage), if any. */
export function getSuppliedCorrelationId(ctx: Context = context.active()): string | undefined {
  return propagation.getBaggage(ctx)?.getEntry(CORRELATION_BAGGAGE_KEY)?.value;
}

/**
 * The correlation id of the current request: the id the caller supplied, else the trace id.
 * Undefined outside any trace.
 */
export function getCorrelationId(ctx: Context = context.active()): string | undefined {
  const supplied = getSuppliedCorrelationId(ctx);
  if (supplied !== undefined) return supplied;
  const spanContext = trace.getSpanContext(ctx);
  return spanContext !== undefined && isSpanContextValid(spanContext)
    ? spanContext.traceId
    : undefined;
}

/**
 * Runs last in the composite propagator: when no earlier propagator found a parent trace and no
 * baggage already names a correlation id, it adopts the caller's correlation header.
 */
export class CorrelationPropagator implements TextMapPropagator {
  inject(): void {
    // Nothing to write: the baggage propagator already carries the id on outgoing calls.
  }

  extract(ctx: Context, carrier: unknown, getter: TextMapGetter): Context {
    if (trace.getSpanContext(ctx) !== undefined) return ctx;
    const baggage = propagation.getBaggage(ctx);
    if (baggage?.getEntry(CORRELATION_BAGGAGE_KEY) !== undefined) return ctx;
    for (const header of INCOMING_HEADERS) {
      const id = sanitizeCorrelationId(getter.get(carrier, header));
      if (id !== undefined) {
        const next = (baggage ?? propagation.createBaggage()).setEntry(CORRELATION_BAGGAGE_KEY, {
          value: id,
        });
        return propagation.setBaggage(ctx, next);
      }
    }
    return ctx;
  }

  fields(): string[] {
    return [];
  }
}

/**
 * http instrumentation `responseHook`, the only hook on this path (it runs for every request, so
 * once and with one context read). For a server response it runs as the request starts, inside
 * the request's context and before the app writes anything: it records a supplied id on the
 * server span and answers with the correlation id, so the header can still be set.
 */
export function onHttpResponse(span: Span, response: IncomingMessage | ServerResponse): void {
  if (!(response instanceof ServerResponse) || response.headersSent) return;
  const supplied = getSuppliedCorrelationId();
  if (supplied !== undefined) span.setAttribute(CORRELATION_ATTRIBUTE, supplied);
  response.setHeader(CORRELATION_RESPONSE_HEADER, supplied ?? span.spanContext().traceId);
}

type KafkaHeaders = Record<string, Buffer | string | (Buffer | string)[] | undefined>;

// kafkajs hands consumers header values as Buffers.
const kafkaHeaderGetter: TextMapGetter<KafkaHeaders> = {
  keys: (carrier) => Object.keys(carrier),
  get: (carrier, key) => {
    const raw = carrier[key];
    const first = Array.isArray(raw) ? raw[0] : raw;
    return first === undefined ? undefined : first.toString();
  },
};

/** kafkajs instrumentation `producerHook`: the id of the request that sends the message. */
export function onKafkaProduce(span: Span): void {
  const supplied = getSuppliedCorrelationId();
  if (supplied !== undefined) span.setAttribute(CORRELATION_ATTRIBUTE, supplied);
}

/**
 * kafkajs instrumentation `consumerHook`: the instrumentation extracts the message's context only
 * as the span's parent, so read the baggage from the headers here to label the consumer span.
 */
export function onKafkaConsume(span: Span, info: { message: { headers?: KafkaHeaders } }): void {
  const headers = info.message.headers;
  if (headers === undefined) return;
  const extracted = propagation.extract(ROOT_CONTEXT, headers, kafkaHeaderGetter);
  const supplied = getSuppliedCorrelationId(extracted);
  if (supplied !== undefined) span.setAttribute(CORRELATION_ATTRIBUTE, supplied);
}
