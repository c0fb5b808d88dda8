// A worker thread's entry in tests: worker threads have no TypeScript loader (vitest's forks
// give theirs to the main thread only), so register tsx, then load `workerData.entry`.
import { workerData } from 'node:worker_threads';
import { register } from 'tsx/esm/api';

register();
await import(workerData.entry);
