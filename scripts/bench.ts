/** `npm run bench`: every benchmark, one after another, figures printed as markdown tables. */
import { run as alerts } from '../query/bench/alert-preview.bench.ts';
import { run as dashboard } from '../dashboard/bench/render.bench.ts';
import { run as dashboards } from '../query/bench/dashboard-panels.bench.ts';
import { run as distributed } from '../deploy/bench/distributed.bench.ts';
import { run as pipeline } from '../deploy/bench/pipeline.bench.ts';
import { run as promql } from '../deploy/bench/promql.bench.ts';
import { run as metrics } from '../query/bench/metrics-query.bench.ts';
import { run as query } from '../query/bench/query-api.bench.ts';
import { run as traces } from '../query/bench/trace-search.bench.ts';
import { run as sdk } from '../sdk/bench/overhead.bench.ts';
import { run as sdkPg } from '../sdk/bench/pg-overhead.bench.ts';

const only = process.argv[2];
const benches: Record<string, () => Promise<void>> = {
  pipeline,
  distributed,
  query,
  traces,
  alerts,
  metrics,
  sdk,
  'sdk-pg': sdkPg,
  dashboard,
  dashboards,
  promql,
};
for (const [name, bench] of Object.entries(benches)) {
  if (only && only !== name) continue;
  await bench();
}
