import { PROM_RANGE_FUNCTIONS } from '../sql/metrics-prom-sql.ts';

/** PromQL's functions and their signatures, as Prometheus's parser checks them. */

export type ValueType = 'scalar' | 'vector' | 'matrix' | 'string';

export interface FunctionSignature {
  readonly args: readonly ValueType[];
  /** Arguments that may be left off from the end (round's to_nearest, year's vector, …). */
  readonly optional?: number;
  /** The last argument repeats (label_join's source labels, sort_by_label's labels). */
  readonly variadic?: boolean;
  readonly returns: ValueType;
}

const v = 'vector';
const m = 'matrix';
const s = 'scalar';
const str = 'string';

const vectorToVector = [
  'abs',
  'ceil',
  'floor',
  'exp',
  'ln',
  'log2',
  'log10',
  'sqrt',
  'sgn',
  'deg',
  'rad',
  'acos',
  'acosh',
  'asin',
  'asinh',
  'atan',
  'atanh',
  'cos',
  'cosh',
  'sin',
  'sinh',
  'tan',
  'tanh',
  'sort',
  'sort_desc',
  'timestamp',
  'absent',
  'histogram_count',
  'histogram_sum',
  'histogram_avg',
];

// The range functions metrics-prom-sql implements (quantile_over_time has its φ first), and more.
const matrixToVector = [
  ...PROM_RANGE_FUNCTIONS.filter((f) => f !== 'quantile_over_time'),
  'absent_over_time',
  'mad_over_time',
];

const dateFunctions = [
  'day_of_month',
  'day_of_week',
  'day_of_year',
  'days_in_month',
  'hour',
  'minute',
  'month',
  'year',
];

export const FUNCTIONS: ReadonlyMap<string, FunctionSignature> = new Map<string, FunctionSignature>(
  [
    ...vectorToVector.map((n): [string, FunctionSignature] => [n, { args: [v], returns: v }]),
    ...matrixToVector.map((n): [string, FunctionSignature] => [n, { args: [m], returns: v }]),
    ...dateFunctions.map((n): [string, FunctionSignature] => [
      n,
      { args: [v], optional: 1, returns: v },
    ]),
    ['quantile_over_time', { args: [s, m], returns: v }],
    ['predict_linear', { args: [m, s], returns: v }],
    ['holt_winters', { args: [m, s, s], returns: v }],
    ['double_exponential_smoothing', { args: [m, s, s], returns: v }],
    ['histogram_quantile', { args: [s, v], returns: v }],
    ['histogram_fraction', { args: [s, s, v], returns: v }],
    ['clamp', { args: [v, s, s], returns: v }],
    ['clamp_min', { args: [v, s], returns: v }],
    ['clamp_max', { args: [v, s], returns: v }],
    ['round', { args: [v, s], optional: 1, returns: v }],
    ['label_replace', { args: [v, str, str, str, str], returns: v }],
    ['label_join', { args: [v, str, str, str], optional: 1, variadic: true, returns: v }],
    ['sort_by_label', { args: [v, str], optional: 1, variadic: true, returns: v }],
    ['sort_by_label_desc', { args: [v, str], optional: 1, variadic: true, returns: v }],
    ['scalar', { args: [v], returns: s }],
    ['vector', { args: [s], returns: v }],
    ['time', { args: [], returns: s }],
    ['pi', { args: [], returns: s }],
  ],
);

export const TYPE_NAMES: Record<ValueType, string> = {
  scalar: 'scalar',
  vector: 'instant vector',
  matrix: 'range vector',
  string: 'string',
};
