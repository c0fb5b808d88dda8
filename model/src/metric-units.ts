/** Units of Prometheus' conventional metric-name suffixes, in UCUM as OTLP carries them. */
const SUFFIX_UNITS: readonly (readonly [RegExp, string])[] = [
  [/_seconds(_total|_count|_sum|_bucket)?$/, 's'],
  [/_bytes(_total|_count|_sum|_bucket)?$/, 'By'],
  [/_ratio$/, '1'],
];

/** The unit a Prometheus metric name announces by its suffix; '' if none. */
export const unitOfMetricName = (name: string): string =>
  SUFFIX_UNITS.find(([re]) => re.test(name))?.[1] ?? '';
