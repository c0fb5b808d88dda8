import type { MetricQueryResult } from '@sightline/model/api/metrics';

/** A metric query's answer with `id` and `series`, the rest as the pipeline tests need it. */
export const pipelineResult = (
  id: string,
  series: MetricQueryResult['series'],
): MetricQueryResult => ({
  id,
  metric: 'm',
  type: 'sum',
  unit: '',
  description: '',
  aggregation: 'rate',
  from: 0,
  to: 2000,
  step: 1000,
  range: 1000,
  series,
  truncated: false,
});
