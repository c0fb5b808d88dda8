import {
  SpanStatusCode,
  trace,
  type Attributes,
  type Span,
  type SpanKind,
} from '@opentelemetry/api';

export const TRACER_NAME = '@sightline/sdk';

export interface WithSpanOptions {
  attributes?: Attributes;
  kind?: SpanKind;
}

function fail(span: Span, error: unknown): void {
  if (error instanceof Error) {
    span.recordException(error);
    span.setStatus({ code: SpanStatusCode.ERROR, message: error.message });
  } else {
    span.recordException(String(error));
    span.setStatus({ code: SpanStatusCode.ERROR, message: String(error) });
  }
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return (
    typeof value === 'object' &&
    value !== null &&
    typeof (value as { then?: unknown }).then === 'function'
  );
}

/**
 * Runs `fn` inside a new active span, child of the current one. A thrown error or rejected
 * promise is recorded on the span, sets its status to ERROR and is re-thrown unchanged; the
 * span ends when `fn` returns or its promise settles. Sync functions stay sync.
 */
export function withSpan<T>(name: string, fn: (span: Span) => T, options: WithSpanOptions = {}): T {
  const tracer = trace.getTracer(TRACER_NAME);
  return tracer.startActiveSpan(name, options, (span) => {
    let result: T;
    try {
      result = fn(span);
    } catch (error) {
      fail(span, error);
      span.end();
      throw error;
    }
    if (!isPromiseLike(result)) {
      span.end();
      return result;
    }
    return Promise.resolve(result).then(
      (value) => {
        span.end();
        return value;
      },
      (error: unknown) => {
        fail(span, error);
        span.end();
        throw error;
      },
    ) as T;
  });
}
