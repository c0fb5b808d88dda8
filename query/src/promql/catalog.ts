import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import { ident } from '@sightline/store/schema/ddl-context';
import { msParam, type Params } from '../sql/metrics-keys.ts';
import type { LabelMatcher, VectorSelector } from './ast.ts';

/**
 * Which stored data a Prometheus name denotes. Series that came by remote write (stored with no
 * instrumentation scope, see collector/src/prom/to-otlp.ts) keep their names and labels. OTLP
 * metrics are named as the OpenTelemetry Prometheus exporter names them: invalid characters to
 * `_`, the unit as a suffix (`_seconds`, `_bytes`, `_ratio` for a gauge of unit 1, `_per_second`
 * …) unless the name ends with it, `_total` for monotonic sums; histograms as `_bucket` (label
 * `le`), `_sum` and `_count`, summaries as the quantile series (label `quantile`), `_sum` and
 * `_count`. `job` is `service.name` (after `service.namespace/` when set), `instance` is
 * `service.instance.id`; every point attribute is a label, its name sanitised. An empty value
 * is no label, as in Prometheus.
 */

/** One way of reading a table as Prometheus series: a family member and its value column. */
export interface FamilyRead {
  readonly table: string;
  /** The Prometheus name, SQL. */
  readonly name: string;
  /** The family's name, as /metadata lists it (a histogram's without `_bucket`…), SQL. */
  readonly family: string;
  /** The sample value, SQL over the row (and the ARRAY JOIN's `bk`). */
  readonly value: string;
  /** A label the member adds (`le`, `quantile`), and its value, SQL. */
  readonly extra?: readonly [string, string];
  readonly arrayJoin?: string;
  /** OTLP delta temporality holds (sums and histograms). */
  readonly temporality: boolean;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
}

const REMOTE_WRITE = `ScopeName = ''`;

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

/** The unit suffix of an OTLP metric, SQL ('' for none). */
function unitSuffix(gauge: boolean): string {
  const u = `replaceRegexpAll(MetricUnit, '\\\\{[^}]*\\\\}', '')`;
  const main = `splitByChar('/', ${u})[1]`;
  const per = `if(position(${u}, '/') > 0, splitByChar('/', ${u})[2], '')`;
  const mainWord = `if(${main} = '1', ${gauge ? `if(${per} = '', 'ratio', '')` : `''`}, ${word(main, UNIT_WORDS)})`;
  const both = `multiIf(${per} = '', ${mainWord}, ${mainWord} = '', concat('per_', ${word(per, PER_WORDS)}),
    concat(${mainWord}, '_per_', ${word(per, PER_WORDS)}))`;
  return `trim(BOTH '_' FROM ${sanitize(both)})`;
}

/** The base Prometheus name of an OTLP metric: sanitised, with its unit suffix. */
function otlpBase(gauge: boolean): string {
  const name = sanitize('MetricName');
  const suffix = unitSuffix(gauge);
  return `if(${suffix} = '' OR endsWith(${name}, concat('_', ${suffix})), ${name}, concat(${name}, '_', ${suffix}))`;
}

const SUM_NAME = `if(${REMOTE_WRITE}, MetricName, if(IsMonotonic AND NOT endsWith(${otlpBase(false)}, '_total'),
      concat(${otlpBase(false)}, '_total'), ${otlpBase(true)}))`;

const withSuffix = (base: string, suffix: string) => `concat(${base}, '${suffix}')`;

/** Every way of reading the metric tables as Prometheus series. */
export const FAMILY_READS: readonly FamilyRead[] = [
  {
    table: METRIC_TABLES.gauge,
    name: `if(${REMOTE_WRITE}, MetricName, ${otlpBase(true)})`,
    family: `if(${REMOTE_WRITE}, MetricName, ${otlpBase(true)})`,
    value: 'Value',
    temporality: false,
    type: 'gauge',
  },
  {
    table: METRIC_TABLES.sum,
    name: SUM_NAME,
    family: SUM_NAME,
    value: 'Value',
    temporality: true,
    type: 'counter',
  },
  ...(['_bucket', '_sum', '_count'] as const).map((suffix): FamilyRead => ({
    table: METRIC_TABLES.histogram,
    name: withSuffix(otlpBase(false), suffix),
    family: otlpBase(false),
    value: { _bucket: 'bk.2', _sum: 'Sum', _count: 'Count' }[suffix],
    temporality: true,
    type: 'histogram',
    ...(suffix === '_bucket' && {
      extra: ['le', 'bk.1'] as const,
      arrayJoin: `arrayZip(arrayPushBack(arrayMap(x -> toString(x), ExplicitBounds), '+Inf'),
          arrayCumSum(arrayResize(BucketCounts, length(ExplicitBounds) + 1))) AS bk`,
    }),
  })),
  ...(['', '_sum', '_count'] as const).map((suffix): FamilyRead => ({
    table: METRIC_TABLES.summary,
    name: withSuffix(otlpBase(false), suffix),
    family: otlpBase(false),
    value: { '': 'bk.2', _sum: 'Sum', _count: 'Count' }[suffix],
    temporality: false,
    type: 'summary',
    ...(suffix === '' && {
      extra: ['quantile', 'toString(bk.1)'] as const,
      arrayJoin: `arrayZip(ValueAtQuantiles.Quantile, ValueAtQuantiles.Value) AS bk`,
    }),
  })),
];

const JOB = `if(${REMOTE_WRITE} OR ResourceAttributes['service.namespace'] = '', ServiceName,
  concat(ResourceAttributes['service.namespace'], '/', ServiceName))`;
const ATTRIBUTES = `if(${REMOTE_WRITE}, CAST(Attributes, 'Map(String, String)'),
  mapApply((k, v) -> (replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_'), v), CAST(Attributes, 'Map(String, String)')))`;

/** A family read's label map, `__name__` included, SQL. */
export function labelsSql(f: FamilyRead): string {
  const own = [
    `'__name__', ${f.name}`,
    `'job', ${JOB}`,
    `'instance', ResourceAttributes['service.instance.id']`,
    ...(f.extra ? [`'${f.extra[0]}', ${f.extra[1]}`] : []),
  ];
  return `mapFilter((k, v) -> v != '', mapUpdate(${ATTRIBUTES}, map(${own.join(', ')})))`;
}

/** A matcher as SQL over a label's value (RE2, anchored as Prometheus anchors). */
export function matcherSql(m: LabelMatcher, value: string, p: Params): string {
  switch (m.op) {
    case '=':
      return `${value} = ${p.add(m.value, 'String')}`;
    case '!=':
      return `${value} != ${p.add(m.value, 'String')}`;
    case '=~':
      return `match(${value}, ${p.add(`^(?:${m.value})$`, 'String')})`;
    case '!~':
      return `NOT match(${value}, ${p.add(`^(?:${m.value})$`, 'String')})`;
  }
}

/** The WHERE of a selector's rows in a family read: its name matchers first (cheap), then labels. */
function selectorWhere(f: FamilyRead, sel: VectorSelector, p: Params): string[] {
  const byName = sel.matchers.filter((m) => m.name === '__name__');
  const others = sel.matchers.filter((m) => m.name !== '__name__');
  return [
    ...byName.map((m) => matcherSql(m, f.name, p)),
    ...others.map((m) => matcherSql(m, `ls[${p.add(m.name, 'String')}]`, p)),
  ];
}

export interface SampleReadOptions {
  readonly database: string;
  /** Samples from `fromMs` to `toMs`, both included. */
  readonly fromMs: number;
  readonly toMs: number;
}

/**
 * The samples a selector denotes: rows (ls, sk, d, t, v, stale, st) as metrics-prom-sql reads
 * them, from every family read, one series key per stored stream.
 */
export function selectorSamplesSql(sel: VectorSelector, o: SampleReadOptions, p: Params): string {
  const from = msParam(o.fromMs, p);
  const to = msParam(o.toMs, p);
  return FAMILY_READS.map((f) => {
    const where = [`TimeUnix >= ${from}`, `TimeUnix <= ${to}`, ...selectorWhere(f, sel, p)];
    const key = f.extra
      ? `cityHash64(MetricName, ResourceAttributes, ScopeName, Attributes, ${f.extra[1]})`
      : `cityHash64(MetricName, ResourceAttributes, ScopeName, Attributes)`;
    return `SELECT ${labelsSql(f)} AS ls, ${key} AS sk,
        ${f.temporality ? 'AggregationTemporality = 1' : '0'} AS d,
        toUnixTimestamp64Milli(TimeUnix) AS t, toUnixTimestamp64Milli(StartTimeUnix) AS st,
        toFloat64(${f.value}) AS v, bitAnd(Flags, 1) = 1 AS stale
      FROM ${ident(o.database)}.${f.table}${f.arrayJoin ? ` ARRAY JOIN ${f.arrayJoin}` : ''}
      WHERE ${where.join(' AND ')}`;
  }).join('\nUNION ALL\n');
}

/**
 * The distinct label sets (one column `ls`) of the series a selector denotes that have samples
 * from `fromMs` to `toMs`, for /series, /labels and /label/<name>/values.
 */
export function matchingSeriesSql(
  sel: VectorSelector,
  fromMs: number,
  toMs: number,
  p: Params,
  database: string,
): string {
  const from = msParam(fromMs, p);
  const to = msParam(toMs, p);
  return FAMILY_READS.map((f) => {
    const where = [`TimeUnix >= ${from}`, `TimeUnix <= ${to}`, ...selectorWhere(f, sel, p)];
    return `SELECT DISTINCT ${labelsSql(f)} AS ls
      FROM ${ident(database)}.${f.table}${f.arrayJoin ? ` ARRAY JOIN ${f.arrayJoin}` : ''}
      WHERE ${where.join(' AND ')}`;
  }).join('\nUNION ALL\n');
}
