import { Worker } from 'node:worker_threads';
import { describe, expect, it } from 'vitest';
import { DECODER_PROPERTIES, type DecoderProperty } from './decoder-properties.ts';

// The decoder properties (decoder-properties.ts) with a fixed seed and number of cases, so CI
// runs the same inputs every time (SIGHTLINE_PROPERTY_SEED and _RUNS explore others; a failure
// names its seed). Each runs in a worker thread that this thread ends when one input goes
// unanswered for INPUT_DEADLINE_MS: a decoder spinning in synchronous code cannot stop a timer in
// another thread, so the test fails naming the input instead of hanging CI. The thread's heap is
// capped too, so an input that makes a decoder allocate without bound fails the same way.
const RUN = {
  seed: Number(process.env.SIGHTLINE_PROPERTY_SEED ?? 20261207),
  numRuns: Number(process.env.SIGHTLINE_PROPERTY_RUNS ?? 500),
};
// A guard against hangs, far above any input's answer (milliseconds), not a performance goal.
const INPUT_DEADLINE_MS = 20_000;
const HEAP_MB = 512;

interface Outcome {
  inputs: number;
  slowestMs: number;
}

function runInWorker(name: DecoderProperty): Promise<Outcome> {
  const worker = new Worker(new URL('./ts-worker-boot.mjs', import.meta.url), {
    workerData: {
      entry: new URL('./decoder-properties-worker.ts', import.meta.url).href,
      name,
      ...RUN,
    },
    resourceLimits: { maxOldGenerationSizeMb: HEAP_MB },
  });
  return new Promise<Outcome>((resolve, reject) => {
    let last = '(none yet: the worker was starting)';
    let since = Date.now();
    const outcome: Outcome = { inputs: 0, slowestMs: 0 };
    const fail = (why: string) => {
      clearTimeout(timer);
      void worker.terminate();
      reject(new Error(`${why} (seed ${RUN.seed}); the input: ${last.slice(0, 4000)}`));
    };
    let timer: NodeJS.Timeout | undefined;
    const arm = () => {
      clearTimeout(timer);
      timer = setTimeout(
        () => fail(`no answer within ${INPUT_DEADLINE_MS / 1000} s: the decoder is stuck`),
        INPUT_DEADLINE_MS,
      );
    };
    arm();
    worker.on('message', (m: { input?: string; done?: true; error?: string }) => {
      const t = Date.now();
      if (outcome.inputs > 0) outcome.slowestMs = Math.max(outcome.slowestMs, t - since);
      since = t;
      if (m.input !== undefined) {
        outcome.inputs++;
        last = m.input;
        arm();
      } else if (m.error !== undefined) {
        clearTimeout(timer);
        void worker.terminate();
        reject(new Error(m.error));
      } else {
        clearTimeout(timer);
        void worker.terminate();
        resolve(outcome);
      }
    });
    worker.on('error', (err) => fail(`the worker failed: ${err.message}`));
  });
}

describe('decoders, any input (in a worker thread with a deadline per input)', () => {
  for (const name of Object.keys(DECODER_PROPERTIES) as DecoderProperty[]) {
    it(name, async () => {
      const outcome = await runInWorker(name);
      console.info(`${name}: ${outcome.inputs} inputs, slowest answer ${outcome.slowestMs} ms`);
      expect(outcome.inputs).toBeGreaterThanOrEqual(RUN.numRuns);
    });
  }
});
