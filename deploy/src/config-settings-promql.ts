import { int } from './config-parsers.ts';

/**
 * Limits of one PromQL query (the /prometheus API, PromQL alert rules): part of SETTINGS
 * (config-settings.ts). Defaults follow Prometheus (--query.timeout 2m, --query.max-samples 50M).
 */
export const PROMQL_SETTINGS = {
  promqlMaxSeries: {
    env: 'SIGHTLINE_PROMQL_MAX_SERIES',
    flag: 'promql-max-series',
    parse: int(1, 100_000_000),
    fallback: 500_000,
    help: 'series one PromQL query (or /series, /labels call) may touch; beyond it an execution error',
  },
  promqlMaxSamples: {
    env: 'SIGHTLINE_PROMQL_MAX_SAMPLES',
    flag: 'promql-max-samples',
    parse: int(1, 2_000_000_000),
    fallback: 50_000_000,
    help: 'samples one PromQL query may load; beyond it an execution error',
  },
  promqlTimeoutSeconds: {
    env: 'SIGHTLINE_PROMQL_TIMEOUT_SECONDS',
    flag: 'promql-timeout-seconds',
    parse: int(1, 3600),
    fallback: 120,
    help: 'longest PromQL query; a request may ask for less with timeout=',
  },
};
