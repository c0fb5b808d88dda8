import { hostname } from 'node:os';
import { context, trace, type SpanContext } from '@opentelemetry/api';
import { pino, type DestinationStream, type Logger, type LoggerOptions } from 'pino';
import { getCorrelationId } from './correlation.ts';
import { dropCounter } from './drop-counter.ts';
import { LogShipper, type LineKeys } from './log-shipper.ts';
import { getStartedSdk } from './sdk-state.ts';

/** One shipper per process, so `shutdown()` can drain every logger's pending lines. */
export const logShipper = new LogShipper(() => getStartedSdk()?.logSink, dropCounter);

export interface CreateLoggerOptions extends LoggerOptions<never, false> {
  /** Where lines are printed locally; defaults to stdout, as plain pino does. */
  destination?: DestinationStream;
}

// The trace fields of a span, serialised once and reused for every line logged inside it.
const fragments = new WeakMap<SpanContext, { correlationId: string | undefined; json: string }>();

function traceFragment(spanContext: SpanContext, correlationId: string | undefined): string {
  const cached = fragments.get(spanContext);
  if (cached !== undefined && cached.correlationId === correlationId) return cached.json;
  const json =
    `,"trace_id":"${spanContext.traceId}","span_id":"${spanContext.spanId}"` +
    `,"correlation_id":${JSON.stringify(correlationId ?? spanContext.traceId)}`;
  fragments.set(spanContext, { correlationId, json });
  return json;
}

/**
 * Adds the trace fields to each finished line, prints it locally and hands it to the shipper.
 * pino calls `write` synchronously from the log call, so the active context is the caller's.
 * Splicing a cached fragment into the line costs less than a pino `mixin`, whose three fields
 * pino would re-serialise on every call.
 */
class ShippingDestination implements DestinationStream {
  constructor(
    private readonly local: DestinationStream,
    private readonly keys: LineKeys,
  ) {}

  write(line: string): void {
    const active = context.active();
    const spanContext = trace.getSpanContext(active);
    let out = line;
    if (spanContext !== undefined) {
      const end = line.lastIndexOf('}');
      if (end > 0) {
        const fragment = traceFragment(spanContext, getCorrelationId(active));
        out = line.slice(0, end) + fragment + line.slice(end);
      }
    }
    this.local.write(out);
    if (logShipper.active) logShipper.push(out, spanContext, this.keys);
  }

  /** pino's `logger.flush()` lands here: flush the local stream, and ship what is staged. */
  flush(callback?: (error?: Error) => void): void {
    logShipper.drain();
    const local = this.local as DestinationStream & { flush?: (cb?: (e?: Error) => void) => void };
    if (typeof local.flush === 'function') local.flush(callback);
    else callback?.();
  }
}

function defaultDestination(): DestinationStream {
  // Same choice as pino's own default: an async sonic-boom on fd 1, unless stdout was replaced
  // (a test runner capturing output), in which case write through the replacement.
  const stdout = process.stdout;
  const tampered =
    stdout.write !== (stdout.constructor as { prototype: typeof stdout }).prototype.write;
  return tampered ? stdout : pino.destination({ dest: stdout.fd ?? 1, sync: false });
}

/**
 * A pino logger whose every line inside a trace carries `trace_id`, `span_id` and
 * `correlation_id` (appended at the end of the line), plus `service` on every line. Lines print locally as usual and, once
 * `init()` has run, are also shipped to Sightline as OTel log records in batches.
 */
export function createLogger(options: CreateLoggerOptions = {}): Logger {
  const { destination, base, ...rest } = options;
  const service =
    getStartedSdk()?.config.service ?? process.env.OTEL_SERVICE_NAME ?? 'unknown_service:node';
  const keys: LineKeys = {
    message: rest.messageKey ?? 'msg',
    time: 'time',
    level: 'level',
  };
  return pino(
    {
      ...rest,
      base: {
        ...(base === undefined ? { pid: process.pid, hostname: hostname() } : base),
        service,
      },
    },
    new ShippingDestination(destination ?? defaultDestination(), keys),
  );
}
