import { beforeAll, describe, expect, it } from 'vitest';
import { trace } from '@opentelemetry/api';
import {
  InMemorySpanExporter,
  NodeTracerProvider,
  SimpleSpanProcessor,
} from '@opentelemetry/sdk-trace-node';
import { TimeoutError, withTimeout } from './with-timeout.ts';

const spans = new InMemorySpanExporter();
beforeAll(() => {
  new NodeTracerProvider({ spanProcessors: [new SimpleSpanProcessor(spans)] }).register();
});

describe('withTimeout', () => {
  it('passes a result or an error through unchanged when in time', async () => {
    await expect(withTimeout(() => Promise.resolve('ok'), 1000)).resolves.toBe('ok');
    const error = new Error('refused');
    await expect(withTimeout(() => Promise.reject(error), 1000)).rejects.toBe(error);
    await expect(
      withTimeout(() => {
        throw error;
      }, 1000),
    ).rejects.toBe(error);
  });

  it('rejects with a TimeoutError, aborts the signal and marks the active span', async () => {
    let seen: AbortSignal | undefined;
    const span = await trace.getTracer('t').startActiveSpan('caller', async (s) => {
      const call = withTimeout(
        (signal) => {
          seen = signal;
          return new Promise((resolve) => signal.addEventListener('abort', resolve));
        },
        15,
        { name: 'inventory lookup' },
      );
      await expect(call).rejects.toBeInstanceOf(TimeoutError);
      await expect(call).rejects.toMatchObject({
        code: 'ETIMEDOUT',
        message: 'inventory lookup timed out after 15 ms',
      });
      s.end();
      return s;
    });
    expect(span).toBeDefined();
    expect(seen?.aborted).toBe(true);
    const caller = spans.getFinishedSpans().find((s) => s.name === 'caller');
    expect(caller?.events.map((e) => [e.name, e.attributes])).toEqual([
      ['timeout', { 'timeout.name': 'inventory lookup', 'timeout.ms': 15 }],
    ]);
  });

  it('refuses a negative or non-numeric time', async () => {
    await expect(withTimeout(() => Promise.resolve(1), -1)).rejects.toThrow(RangeError);
    await expect(withTimeout(() => Promise.resolve(1), Number.NaN)).rejects.toThrow('timeoutMs');
  });
});
