import { context, createContextKey, SpanKind, type Context } from '@opentelemetry/api';
import type { ReadableSpan, Span, SpanProcessor } from '@opentelemetry/sdk-trace-node';

/** Set on client and producer spans made inside a breaker's call, naming the breaker. */
export const BREAKER_NAME_ATTRIBUTE = 'circuit_breaker.name';

const BREAKER_KEY = createContextKey('sightline circuit breaker');

/** Runs `fn` in a context that names the breaker guarding it. */
export function withBreakerName<T>(name: string, fn: () => T): T {
  return context.with(context.active().setValue(BREAKER_KEY, name), fn);
}

/**
 * Stamps the guarding breaker's name on each client or producer span started inside its call, so
 * the query side can tell which caller → callee edge (or database) a breaker protects.
 */
export class BreakerSpanProcessor implements SpanProcessor {
  onStart(span: Span, parentContext: Context): void {
    if (span.kind !== SpanKind.CLIENT && span.kind !== SpanKind.PRODUCER) return;
    const name = parentContext.getValue(BREAKER_KEY);
    if (typeof name === 'string') span.setAttribute(BREAKER_NAME_ATTRIBUTE, name);
  }

  onEnd(_span: ReadableSpan): void {}

  forceFlush(): Promise<void> {
    return Promise.resolve();
  }

  shutdown(): Promise<void> {
    return Promise.resolve();
  }
}
