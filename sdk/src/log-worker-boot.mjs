// Entry of the log worker thread when the SDK runs from its TypeScript sources (in this
// repository only; the package starts its compiled log-worker.js directly): the thread has no
// TypeScript loader (vitest's workers and a plain `node` have none), so register tsx first.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
