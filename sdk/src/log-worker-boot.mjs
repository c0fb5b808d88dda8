// Entry of the log worker thread, in plain JavaScript so the thread can start without a
// TypeScript loader (vitest's workers and a plain `node` have none). When the SDK runs from its
// TypeScript sources it registers tsx here, then loads the real worker module.
import { workerData } from 'node:worker_threads';

const { entry } = workerData;
if (entry.endsWith('.ts')) {
  const { register } = await import('tsx/esm/api');
  register();
}
await import(entry);
