import { beforeAll, describe, expect, it } from 'vitest';
import { SpanStatusCode } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { withSpan } from './with-span.ts';

const exporter = new InMemorySpanExporter();

beforeAll(() => {
  // register() also installs the AsyncLocalStorage context manager that nesting relies on.
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(exporter)] }).register();
});

function finished(name: string) {
  const spans = exporter.getFinishedSpans().filter((s) => s.name === name);
  expect(spans, `exactly one ended span named ${name}`).toHaveLength(1);
  return spans[0] as NonNullable<(typeof spans)[0]>;
}

describe('withSpan', () => {
  it('returns a sync result synchronously and ends the span', () => {
    const result = withSpan('sync-ok', (span) => {
      span.setAttribute('k', 'v');
      return 41 + 1;
    });
    expect(result).toBe(42);
    const span = finished('sync-ok');
    expect(span.attributes.k).toBe('v');
    expect(span.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a thrown error, marks the span failed, ends it and rethrows the same error', () => {
    const error = new RangeError('out of stock');
    expect(() =>
      withSpan('sync-fail', () => {
        throw error;
      }),
    ).toThrow(error);
    const span = finished('sync-fail');
    expect(span.status).toEqual({ code: SpanStatusCode.ERROR, message: 'out of stock' });
    expect(span.events.map((e) => e.name)).toEqual(['exception']);
    expect(span.events[0]?.attributes?.['exception.type']).toBe('RangeError');
  });

  it('ends an async span only when its promise settles', async () => {
    let release: () => void = () => undefined;
    const pending = withSpan(
      'async-ok',
      () => new Promise<string>((r) => (release = () => r('done'))),
    );
    await Promise.resolve();
    expect(exporter.getFinishedSpans().some((s) => s.name === 'async-ok')).toBe(false);
    release();
    await expect(pending).resolves.toBe('done');
    expect(finished('async-ok').status.code).toBe(SpanStatusCode.UNSET);
  });

  it('records a rejection and passes it on', async () => {
    await expect(
      withSpan('async-fail', () => Promise.reject(new Error('timeout'))),
    ).rejects.toThrow('timeout');
    expect(finished('async-fail').status).toEqual({
      code: SpanStatusCode.ERROR,
      message: 'timeout',
    });
  });

  it('nests: an inner span is the child of the outer one, across awaits', async () => {
    await withSpan('outer', async () => {
      await new Promise((resolve) => setTimeout(resolve, 1));
      withSpan('inner', () => undefined);
    });
    const outer = finished('outer');
    const inner = finished('inner');
    expect(inner.spanContext().traceId).toBe(outer.spanContext().traceId);
    expect(inner.parentSpanContext?.spanId).toBe(outer.spanContext().spanId);
  });
});
