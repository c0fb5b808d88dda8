import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import type { SpanContext } from '@opentelemetry/api';
import type { DropSink } from './drop-counter.ts';
import { describeError, reportSdkProblem, SightlineSdkError } from './errors.ts';
import { withTimeout } from './exit-hooks.ts';
import type { BatchSink, LineKeys } from './log-shipper.ts';
import {
  NO_SPAN,
  type FromWorker,
  type LogWorkerSetup,
  type ToWorker,
} from './log-worker-protocol.ts';

export interface WorkerLogSinkOptions {
  setup: Omit<LogWorkerSetup, 'entry'>;
  drops: DropSink;
  /** Lines sent but not yet taken in by the worker; beyond it lines are dropped, not queued. */
  maxInFlight: number;
  /** Longest wait for the worker to finish a flush or shutdown. */
  replyTimeoutMs: number;
  /** Called once if the worker dies; the SDK then ships on the main thread. */
  onFailure: () => void;
}

// The worker module sits next to this one: .js in the package, .ts when running from the
// repository's sources, which only the bootstrap (not shipped) can load, by registering tsx.
const FROM_SOURCES = extname(fileURLToPath(import.meta.url)) === '.ts';
const WORKER_ENTRY = new URL(`./log-worker${FROM_SOURCES ? '.ts' : '.js'}`, import.meta.url);
const WORKER_MAIN = FROM_SOURCES ? new URL('./log-worker-boot.mjs', import.meta.url) : WORKER_ENTRY;

/**
 * Ships pino lines to a worker thread that owns its own LoggerProvider and OTLP exporter, so
 * parsing and encoding use another core. The worker is unref'd: it never keeps the app alive,
 * except while a flush or shutdown waits for it.
 */
export class WorkerLogSink implements BatchSink {
  private readonly worker: Worker;
  private inFlight = 0;
  private nextId = 0;
  private readonly waiting = new Map<number, () => void>();
  private failed = false;
  private closing = false;
  private waits = 0;

  constructor(private readonly options: WorkerLogSinkOptions) {
    this.worker = new Worker(WORKER_MAIN, {
      workerData: { ...options.setup, entry: WORKER_ENTRY.href },
      // Not the app's flags: a `--import @sightline/sdk/register` preload would start a second
      // SDK inside the worker. From sources the bootstrap brings its own TypeScript loader.
      execArgv: [],
    });
    this.worker.unref();
    this.worker.on('message', (message: FromWorker) => this.onMessage(message));
    this.worker.on('error', (error) => this.fail(error));
    this.worker.on('exit', (code) => {
      if (!this.closing) this.fail(new Error(`log worker exited with code ${code}`));
    });
  }

  ship(lines: string[], spans: (SpanContext | undefined)[], keys: LineKeys[]): void {
    if (this.failed || this.closing) {
      this.options.drops.add('logs', lines.length, 'log worker unavailable');
      return;
    }
    if (this.inFlight + lines.length > this.options.maxInFlight) {
      this.options.drops.add('logs', lines.length, 'log worker is behind');
      return;
    }
    this.inFlight += lines.length;
    const flags = spans.map((span) => (span === undefined ? NO_SPAN : span.traceFlags));
    this.post({ type: 'lines', lines, flags, keys });
  }

  /** Resolves once the worker has exported everything it was sent. */
  flush(): Promise<void> {
    return this.request('flush');
  }

  async shutdown(): Promise<void> {
    await this.request('shutdown');
    this.closing = true;
    if (this.inFlight > 0) {
      this.options.drops.add('logs', this.inFlight, 'log worker did not finish in time');
      this.inFlight = 0;
    }
    await this.worker.terminate();
  }

  private post(message: ToWorker): void {
    this.worker.postMessage(message);
  }

  private request(type: 'flush' | 'shutdown'): Promise<void> {
    if (this.failed || this.closing) return Promise.resolve();
    const id = this.nextId;
    this.nextId += 1;
    // Hold the process open while waiting, or a `beforeExit` flush would end with the loop.
    if (this.waits === 0) this.worker.ref();
    this.waits += 1;
    const reply = new Promise<void>((resolve) => this.waiting.set(id, resolve));
    this.post({ type, id });
    return withTimeout(reply, this.options.replyTimeoutMs).finally(() => {
      this.waiting.delete(id);
      this.waits -= 1;
      if (this.waits === 0) this.worker.unref();
    });
  }

  private onMessage(message: FromWorker): void {
    switch (message.type) {
      case 'processed':
        this.inFlight = Math.max(0, this.inFlight - message.count);
        return;
      case 'dropped':
        this.options.drops.add('logs', message.count, message.reasons.join('; '));
        return;
      case 'done':
        this.waiting.get(message.id)?.();
        return;
    }
  }

  private fail(error: unknown): void {
    if (this.failed) return;
    this.failed = true;
    this.options.drops.add('logs', this.inFlight, 'log worker failed');
    this.inFlight = 0;
    for (const resolve of this.waiting.values()) resolve();
    reportSdkProblem(
      new SightlineSdkError(
        'SL_ERR_SDK_LOG_SHIPPING_FAILED',
        `log worker failed, shipping logs on the main thread instead: ${describeError(error)}`,
        { cause: error },
      ),
    );
    this.options.onFailure();
  }
}
