import { parentPort, workerData } from 'node:worker_threads';
import { runDecoderProperty, type DecoderProperty } from './decoder-properties.ts';

// One decoder property in a worker thread: posts each input before it is answered, then the
// outcome. The test that started it ends the thread when an input goes unanswered too long.
const { name, seed, numRuns } = workerData as {
  name: DecoderProperty;
  seed: number;
  numRuns: number;
};
const port = parentPort!;
runDecoderProperty(name, { seed, numRuns, onInput: (input) => port.postMessage({ input }) }).then(
  () => port.postMessage({ done: true }),
  (err: unknown) => port.postMessage({ error: err instanceof Error ? err.message : String(err) }),
);
