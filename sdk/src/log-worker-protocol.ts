import type { LineKeys } from './log-shipper.ts';
import type { ResourceAttributeValue } from './options.ts';
import type { PlainAttributes } from './resource.ts';

/** What the log worker needs to build its own LoggerProvider and OTLP exporter. */
export interface LogWorkerSetup {
  /** The TypeScript module the bootstrap loads when the SDK runs from its sources. */
  entry: string;
  resourceAttributes: Record<string, ResourceAttributeValue>;
  /** The main thread's process facts, so log records describe the app, not the worker. */
  processAttributes: PlainAttributes;
  url: string;
  headers: Record<string, string>;
  exportTimeoutMs: number;
  maxQueueSize: number;
  maxExportBatchSize: number;
  scheduledDelayMs: number;
}

/** Trace flags of each line's span; NO_SPAN for a line logged outside any span. */
export const NO_SPAN = -1;

export type ToWorker =
  | { type: 'lines'; lines: string[]; flags: number[]; keys: LineKeys[] }
  | { type: 'flush'; id: number }
  | { type: 'shutdown'; id: number };

export type FromWorker =
  | { type: 'processed'; count: number }
  | { type: 'dropped'; count: number; reasons: string[] }
  | { type: 'done'; id: number };
