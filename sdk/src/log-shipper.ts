import { ROOT_CONTEXT, trace, type SpanContext } from '@opentelemetry/api';
import { SeverityNumber, type LogAttributes, type LogRecord } from '@opentelemetry/api-logs';
import type { DropSink } from './drop-counter.ts';

/** Names of the pino fields that become parts of the OTel record rather than attributes. */
export interface LineKeys {
  message: string;
  time: string;
  level: string;
}

export const DEFAULT_LINE_KEYS: LineKeys = { message: 'msg', time: 'time', level: 'level' };

// Already on the span/resource of every record; repeating them as attributes wastes storage.
const SKIPPED = new Set(['trace_id', 'span_id', 'trace_flags', 'pid', 'hostname', 'service']);

const LEVEL_NAMES: Record<string, number> = {
  trace: 10,
  debug: 20,
  info: 30,
  warn: 40,
  error: 50,
  fatal: 60,
};

/** pino's numeric levels (10 trace … 60 fatal, custom ones in between) → OTel severity. */
export function toSeverity(level: unknown): { number: SeverityNumber; text: string } {
  const numeric = typeof level === 'string' ? (LEVEL_NAMES[level] ?? Number(level)) : level;
  if (typeof numeric !== 'number' || !Number.isFinite(numeric)) {
    return { number: SeverityNumber.UNSPECIFIED, text: String(level) };
  }
  if (numeric < 20) return { number: SeverityNumber.TRACE, text: 'TRACE' };
  if (numeric < 30) return { number: SeverityNumber.DEBUG, text: 'DEBUG' };
  if (numeric < 40) return { number: SeverityNumber.INFO, text: 'INFO' };
  if (numeric < 50) return { number: SeverityNumber.WARN, text: 'WARN' };
  if (numeric < 60) return { number: SeverityNumber.ERROR, text: 'ERROR' };
  return { number: SeverityNumber.FATAL, text: 'FATAL' };
}

/** The span a line belongs to: given by the caller, or read back from the line's own fields. */
export type SpanOfLine = (fields: Record<string, unknown>) => SpanContext | undefined;

/** Turns one serialised pino line into an OTel log record; throws on a line that is not JSON. */
export function lineToLogRecord(
  line: string,
  spanOf: SpanOfLine,
  keys: LineKeys = DEFAULT_LINE_KEYS,
): LogRecord {
  const fields = JSON.parse(line) as Record<string, unknown>;
  const attributes: LogAttributes = {};
  for (const key in fields) {
    if (key === keys.message || key === keys.time || key === keys.level || SKIPPED.has(key)) {
      continue;
    }
    attributes[key] = fields[key] as LogAttributes[string];
  }
  const err = fields.err;
  if (typeof err === 'object' && err !== null) {
    // pino's error serialiser output, renamed to the OTel exception conventions.
    const { type, message, stack } = err as Record<string, unknown>;
    if (typeof type === 'string') attributes['exception.type'] = type;
    if (typeof message === 'string') attributes['exception.message'] = message;
    if (typeof stack === 'string') attributes['exception.stacktrace'] = stack;
  }
  const severity = toSeverity(fields[keys.level]);
  const time = fields[keys.time];
  const body = fields[keys.message];
  const spanContext = spanOf(fields);
  return {
    severityNumber: severity.number,
    severityText: severity.text,
    body: typeof body === 'string' ? body : body === undefined ? '' : JSON.stringify(body),
    timestamp: typeof time === 'number' ? time : Date.now(),
    attributes,
    context:
      spanContext === undefined ? ROOT_CONTEXT : trace.setSpanContext(ROOT_CONTEXT, spanContext),
  };
}

export interface OtelLogSink {
  emit(record: LogRecord): void;
}

/** Receives the staged lines in batches and gets them to an OTel LoggerProvider. */
export interface BatchSink {
  ship(lines: string[], spans: (SpanContext | undefined)[], keys: LineKeys[]): void;
}

/** Parses and emits on this thread (the fallback when the log worker is off or failed). */
export class InThreadSink implements BatchSink {
  constructor(
    private readonly logger: OtelLogSink,
    private readonly drops: DropSink,
  ) {}

  ship(lines: string[], spans: (SpanContext | undefined)[], keys: LineKeys[]): void {
    let unparsable = 0;
    for (let i = 0; i < lines.length; i += 1) {
      const spanContext = spans[i];
      try {
        this.logger.emit(lineToLogRecord(lines[i] as string, () => spanContext, keys[i]));
      } catch {
        unparsable += 1;
      }
    }
    this.drops.add('logs', unparsable, 'log line could not be turned into a record');
  }
}

/**
 * Takes lines from the pino destination and ships them off the hot path: a log call only
 * appends the line; the batch goes to the sink on a later turn of the event loop (or at once
 * when `maxStaged` lines are waiting, which bounds memory in a tight loop).
 */
export class LogShipper {
  private lines: string[] = [];
  private spans: (SpanContext | undefined)[] = [];
  private keys: LineKeys[] = [];
  private scheduled = false;

  constructor(
    private readonly sink: () => BatchSink | undefined,
    private readonly drops: DropSink,
    private readonly maxStaged = 256,
  ) {}

  /** Whether lines are being shipped at all (false before `init()` and after `shutdown()`). */
  get active(): boolean {
    return this.sink() !== undefined;
  }

  push(line: string, spanContext: SpanContext | undefined, keys: LineKeys): void {
    this.lines.push(line);
    this.spans.push(spanContext);
    this.keys.push(keys);
    if (this.lines.length >= this.maxStaged) {
      this.drain();
    } else if (!this.scheduled) {
      this.scheduled = true;
      // unref: staged lines must not keep an otherwise finished process alive; shutdown drains.
      setImmediate(this.drainSoon).unref();
    }
  }

  private readonly drainSoon = (): void => {
    this.scheduled = false;
    this.drain();
  };

  /** Hands every staged line to the sink now. Never throws. */
  drain(): void {
    const { lines, spans, keys } = this;
    if (lines.length === 0) return;
    this.lines = [];
    this.spans = [];
    this.keys = [];
    const sink = this.sink();
    if (sink === undefined) {
      this.drops.add('logs', lines.length, 'SDK shut down before the lines were shipped');
      return;
    }
    try {
      sink.ship(lines, spans, keys);
    } catch {
      this.drops.add('logs', lines.length, 'log shipping failed');
    }
  }
}
