import { METRIC_TABLES } from '@sightline/store/schema/metrics';

/**
 * Prometheus names of stored OTLP metrics, as SQL steps over a metric table's row: the way the
 * OpenTelemetry Prometheus exporter names them (see catalog.ts for the whole mapping).
 */

export const REMOTE_WRITE = `ScopeName = ''`;

// Units by the words the exporter uses for them (the OpenTelemetry specification's table).
const UNIT_WORDS: readonly (readonly [string, string])[] = [
  ['d', 'days'],
  ['h', 'hours'],
  ['min', 'minutes'],
  ['s', 'seconds'],
  ['ms', 'milliseconds'],
  ['us', 'microseconds'],
  ['ns', 'nanoseconds'],
  ['By', 'bytes'],
  ['KiBy', 'kibibytes'],
  ['MiBy', 'mebibytes'],
  ['GiBy', 'gibibytes'],
  ['TiBy', 'tebibytes'],
  ['KBy', 'kilobytes'],
  ['MBy', 'megabytes'],
  ['GBy', 'gigabytes'],
  ['TBy', 'terabytes'],
  ['m', 'meters'],
  ['V', 'volts'],
  ['A', 'amperes'],
  ['J', 'joules'],
  ['W', 'watts'],
  ['g', 'grams'],
  ['Cel', 'celsius'],
  ['Hz', 'hertz'],
  ['%', 'percent'],
];
const PER_WORDS: readonly (readonly [string, string])[] = [
  ['s', 'second'],
  ['m', 'minute'],
  ['h', 'hour'],
  ['d', 'day'],
  ['w', 'week'],
  ['mo', 'month'],
  ['y', 'year'],
];

const sqlString = (s: string): string => `'${s.replace(/\\/g, '\\\\').replace(/'/g, "\\'")}'`;
const sqlArray = (xs: readonly string[]): string => `[${xs.map(sqlString).join(', ')}]`;
const word = (col: string, table: readonly (readonly [string, string])[]): string =>
  `transform(${col}, ${sqlArray(table.map((w) => w[0]))}, ${sqlArray(table.map((w) => w[1]))}, ${col})`;

/** Invalid name characters to `_`, runs of `_` to one, a leading digit after `_`. */
const sanitize = (s: string): string =>
  `replaceRegexpOne(replaceRegexpAll(replaceRegexpAll(${s}, '[^a-zA-Z0-9_:]', '_'), '_{2,}', '_'), '^([0-9])', '_\\\\1')`;

export type TableKind = 'gauge' | 'sum' | 'histogram' | 'summary';

/**
 * How a table's rows are named, as steps each defining an alias over the columns and the earlier
 * aliases: `_family` (the family name) and `_pname` (the member's name, `suffix` appended).
 */
export function namingSteps(kind: TableKind, suffix: string): (readonly [string, string])[] {
  const gauge = { gauge: '1', sum: 'NOT _mono', histogram: '0', summary: '0' }[kind];
  const family = {
    gauge: `if(_rw, MetricName, _base)`,
    sum: `if(_rw, MetricName, if(_mono AND NOT endsWith(_base, '_total'), concat(_base, '_total'), _base))`,
    histogram: '_base',
    summary: '_base',
  }[kind];
  return [
    ['_rw', REMOTE_WRITE],
    ['_mono', kind === 'sum' ? 'IsMonotonic' : '0'],
    ['_u', `replaceRegexpAll(MetricUnit, '\\\\{[^}]*\\\\}', '')`],
    ['_umain', `splitByChar('/', _u)[1]`],
    ['_uper', `if(position(_u, '/') > 0, splitByChar('/', _u)[2], '')`],
    [
      '_uword',
      `if(_umain = '1', if(${gauge} AND _uper = '', 'ratio', ''), ${word('_umain', UNIT_WORDS)})`,
    ],
    ['_uperword', word('_uper', PER_WORDS)],
    [
      '_usuf',
      `trim(BOTH '_' FROM ${sanitize(`multiIf(_uper = '', _uword, _uword = '', concat('per_', _uperword), concat(_uword, '_per_', _uperword))`)})`,
    ],
    ['_sname', sanitize('MetricName')],
    [
      '_base',
      `if(_usuf = '' OR endsWith(_sname, concat('_', _usuf)), _sname, concat(_sname, '_', _usuf))`,
    ],
    ['_family', family],
    ['_pname', suffix === '' ? '_family' : `concat(_family, '${suffix}')`],
  ];
}

/** One step's expression with the aliases it uses written out: for SQL where aliases can't go. */
export function inline(steps: readonly (readonly [string, string])[], alias: string): string {
  const at = steps.findIndex(([a]) => a === alias);
  let expr = steps[at]![1];
  for (let k = at - 1; k >= 0; k--) {
    const [a, e] = steps[k]!;
    expr = expr.replace(new RegExp(`\\b${a}\\b`, 'g'), `(${e})`);
  }
  return expr;
}

export const tableKind = (table: string): TableKind =>
  table === METRIC_TABLES.gauge
    ? 'gauge'
    : table === METRIC_TABLES.sum
      ? 'sum'
      : table === METRIC_TABLES.histogram || table === METRIC_TABLES.exponentialHistogram
        ? 'histogram'
        : 'summary';
