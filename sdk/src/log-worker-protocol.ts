import type { LineKeys } from './log-shipper.ts';
import type { ResourceAttributeValue } from './options.ts';

/** What the log worker needs to build its own LoggerProvider and OTLP exporter. */
export interface LogWorkerSetup {
  /** The TypeScript (or built JavaScript) module the bootstrap loads. */
  entry: string;
  resourceAttributes: Record<string, ResourceAttributeValue>;
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
