/** `npm run bench`: every benchmark, one after another, figures printed as markdown tables. */
import { run as pipeline } from '../deploy/bench/pipeline.bench.ts';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = { pipeline };
for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await bench();
}
