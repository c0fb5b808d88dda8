import { METRIC_TABLES, SERIES_HASH } from '@sightline/store/schema/metrics';
import { ident } from '@sightline/store/schema/ddl-context';
import { EXP_SAMPLE_COLUMNS } from '../sql/exp-histogram-sql.ts';
import { msParam, type Params } from '../sql/metrics-keys.ts';
import type { LabelMatcher, VectorSelector } from './ast.ts';
import { inline, namingSteps, REMOTE_WRITE, tableKind } from './prom-names.ts';

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
  /** What the member appends to the family's name (`_bucket`, `_sum`, `_count`, or ''). */
  readonly suffix: string;
  /** The sample value, SQL over the row (and the ARRAY JOIN's `bk`). */
  readonly value: string;
  /** A label the member adds (`le`, `quantile`), and its value, SQL. */
  readonly extra?: readonly [string, string];
  readonly arrayJoin?: string;
  /** OTLP delta temporality holds (sums and histograms). */
  readonly temporality: boolean;
  readonly type: 'counter' | 'gauge' | 'histogram' | 'summary';
}

const read = (
  table: string,
  suffix: string,
  more: Omit<FamilyRead, 'table' | 'name' | 'family' | 'suffix'>,
): FamilyRead => {
  const steps = namingSteps(tableKind(table), suffix);
  return {
    table,
    suffix,
    name: inline(steps, '_pname'),
    family: inline(steps, '_family'),
    ...more,
  };
};

/** Every way of reading the metric tables as Prometheus series. */
export const FAMILY_READS: readonly FamilyRead[] = [
  read(METRIC_TABLES.gauge, '', { value: 'Value', temporality: false, type: 'gauge' }),
  read(METRIC_TABLES.sum, '', { value: 'Value', temporality: true, type: 'counter' }),
  ...(['_bucket', '_sum', '_count'] as const).map((suffix) =>
    read(METRIC_TABLES.histogram, suffix, {
      value: { _bucket: 'bk.2', _sum: 'Sum', _count: 'Count' }[suffix],
      temporality: true,
      type: 'histogram',
      ...(suffix === '_bucket' && {
        extra: ['le', 'bk.1'] as const,
        arrayJoin: `arrayZip(arrayPushBack(arrayMap(x -> toString(x), ExplicitBounds), '+Inf'),
          arrayCumSum(arrayResize(BucketCounts, length(ExplicitBounds) + 1))) AS bk`,
      }),
    }),
  ),
  ...(['', '_sum', '_count'] as const).map((suffix) =>
    read(METRIC_TABLES.summary, suffix, {
      value: { '': 'bk.2', _sum: 'Sum', _count: 'Count' }[suffix],
      temporality: false,
      type: 'summary',
      ...(suffix === '' && {
        extra: ['quantile', 'toString(bk.1)'] as const,
        arrayJoin: `arrayZip(ValueAtQuantiles.Quantile, ValueAtQuantiles.Value) AS bk`,
      }),
    }),
  ),
];

/**
 * Exponential histograms, as the exporter exposes them: one native histogram series under the
 * family's name (no suffix). Not among FAMILY_READS: their samples are histograms, not floats;
 * native-histograms.ts reads them for the functions that take histograms.
 */
export const NATIVE_HISTOGRAM_READ: FamilyRead = read(METRIC_TABLES.exponentialHistogram, '', {
  value: 'Count',
  temporality: true,
  type: 'histogram',
});

const JOB = `if(${REMOTE_WRITE} OR ResourceAttributes['service.namespace'] = '', ServiceName,
  concat(ResourceAttributes['service.namespace'], '/', ServiceName))`;
const ATTRIBUTES = `if(${REMOTE_WRITE}, CAST(Attributes, 'Map(String, String)'),
  mapApply((k, v) -> (replaceRegexpAll(k, '[^a-zA-Z0-9_]', '_'), v), CAST(Attributes, 'Map(String, String)')))`;

export function labelMap(name: string, extra: string | undefined, f: FamilyRead): string {
  const own = [
    `'__name__', ${name}`,
    `'job', ${JOB}`,
    `'instance', ResourceAttributes['service.instance.id']`,
    ...(f.extra && extra ? [`'${f.extra[0]}', ${extra}`] : []),
  ];
  return `mapFilter((k, v) -> v != '', mapUpdate(${ATTRIBUTES}, map(${own.join(', ')})))`;
}

/** A family read's label map over a table's row, `__name__` included, SQL. */
export const labelsSql = (f: FamilyRead): string => labelMap(f.name, f.extra?.[1], f);

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
export function selectorWhere(f: FamilyRead, sel: VectorSelector, p: Params): string[] {
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

/** A stored stream's naming key, SQL over the row: what its Prometheus name depends on. */
export const storedKey = (f: FamilyRead): string =>
  `concat(MetricName, char(0), MetricUnit, char(0), ScopeName${f.table === METRIC_TABLES.sum ? ', char(0), toString(toUInt8(IsMonotonic))' : ''})`;

const nameKeys = (f: FamilyRead) =>
  `MetricName, MetricUnit, ScopeName${f.table === METRIC_TABLES.sum ? ', IsMonotonic' : ''}`;

/**
 * The stored names of a family read with data in the window whose Prometheus name the selector's
 * name matchers accept, with that name (`pname`): named once per distinct stored name, not per row.
 */
export function namesSql(
  f: FamilyRead,
  sel: VectorSelector,
  window: string,
  p: Params,
  db: string,
  /** Rows of the table's distinct naming columns in the window, when known (name-index.ts). */
  source?: string,
): string {
  const steps = namingSteps(tableKind(f.table), f.suffix);
  const byName = sel.matchers.filter((m) => m.name === '__name__');
  const where = byName.map((m) => matcherSql(m, '_pname', p));
  return `SELECT ${nameKeys(f)}, ${storedKey(f)} AS _key, ${steps.map(([a, e]) => `${e} AS ${a}`).join(', ')}
    FROM (${source ?? `SELECT ${nameKeys(f)} FROM ${db}.${f.table} WHERE ${window} GROUP BY ${nameKeys(f)}`})
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * A selector's rows of one family read: the row columns `cols` (over the table's row and the ARRAY
 * JOIN's `bk`), the label map `ls`, narrowed by the label matchers.
 */
function familyRowsSql(
  f: FamilyRead,
  sel: VectorSelector,
  o: SampleReadOptions,
  cols: string,
  distinct: boolean,
  p: Params,
): string {
  const db = ident(o.database);
  const window = `TimeUnix >= ${msParam(o.fromMs, p)} AND TimeUnix <= ${msParam(o.toMs, p)}`;
  const others = sel.matchers.filter((m) => m.name !== '__name__');
  const where = others.map((m) => matcherSql(m, `ls[${p.add(m.name, 'String')}]`, p));
  const extra = f.extra ? `, ${f.extra[1]} AS _extra` : '';
  const rows = `SELECT ${distinct ? 'DISTINCT ' : ''}${nameKeys(f)}, ServiceName, ResourceAttributes, Attributes${extra}${cols ? `, ${cols}` : ''}
      FROM ${db}.${f.table}${f.arrayJoin ? ` ARRAY JOIN ${f.arrayJoin}` : ''} WHERE ${window}`;
  return `SELECT *, ${labelMap('n._pname', '_extra', f)} AS ls
    FROM (${rows}) AS r INNER JOIN (${namesSql(f, sel, window, p, db)}) AS n USING (${nameKeys(f)})
    ${where.length > 0 ? `WHERE ${where.join(' AND ')}` : ''}`;
}

/**
 * The exponential histogram points a selector denotes, as rows (ls, sk and exp-histogram-sql's
 * EXP_SAMPLE_COLUMNS) from `fromMs` to `toMs`.
 */
export function nativeHistogramSamplesSql(
  sel: VectorSelector,
  o: SampleReadOptions,
  p: Params,
): string {
  const f = NATIVE_HISTOGRAM_READ;
  const cols = `${seriesKey(f)} AS sk, ${EXP_SAMPLE_COLUMNS}`;
  return `SELECT ls, sk, d, t, st, stale, sc, zc, cnt, sm, po, pc, no, nc
    FROM (${familyRowsSql(f, sel, o, cols, false, p)})`;
}

/** The stored streams a selector denotes in one family read: naming keys and Prometheus names. */
export interface FamilyNames {
  readonly metrics: readonly string[];
  readonly keys: readonly string[];
  readonly names: readonly string[];
}

/** A stored stream's series key, SQL over the row: a histogram's _sum and _count differ. */
export const seriesKey = (f: FamilyRead) =>
  `cityHash64(${FAMILY_READS.indexOf(f)}, ${SERIES_HASH}${f.extra ? `, ${f.extra[1]}` : ''})`;

export const sampleCols = (f: FamilyRead) =>
  `${seriesKey(f)} AS sk,
    ${f.temporality ? 'AggregationTemporality = 1' : '0'} AS d,
    toUnixTimestamp64Milli(TimeUnix) AS t, toUnixTimestamp64Milli(StartTimeUnix) AS st,
    toFloat64(${f.value}) AS v, bitAnd(Flags, 1) = 1 AS stale`;

export const NO_SAMPLES = `SELECT CAST(map(), 'Map(String, String)') AS ls, toUInt64(0) AS sk, toUInt8(0) AS d,
  toInt64(0) AS t, toInt64(0) AS st, toFloat64(0) AS v, false AS stale WHERE 0`;

/**
 * The samples a selector denotes: rows (ls, sk, d, t, v, stale, st) as metrics-prom-sql reads
 * them, one series key per stored stream. With `resolved` (per family read, from resolveNames)
 * only the stored names found are read, through the sort key; without, names are matched in SQL.
 */
export function selectorSamplesSql(
  sel: VectorSelector,
  o: SampleReadOptions,
  p: Params,
  resolved?: readonly (FamilyNames | undefined)[],
): string {
  const reads = FAMILY_READS.flatMap((f, k) => {
    if (resolved === undefined) {
      return [
        `SELECT ls, sk, d, t, st, v, stale FROM (${familyRowsSql(f, sel, o, sampleCols(f), false, p)})`,
      ];
    }
    const r = resolvedRead(f, resolved[k], sel, o, p);
    if (r === undefined) return [];
    const rows = `SELECT ${labelMap(r.pname, f.extra?.[1], f)} AS ls, ${sampleCols(f)} ${r.from}`;
    return [
      `SELECT ls, sk, d, t, st, v, stale FROM (${rows})${r.where.length > 0 ? ` WHERE ${r.where.join(' AND ')}` : ''}`,
    ];
  });
  return reads.length === 0 ? NO_SAMPLES : reads.join('\nUNION ALL\n');
}

/** A family read of the stored names found: its FROM … WHERE, Prometheus name and matchers. */
export function resolvedRead(
  f: FamilyRead,
  names: FamilyNames | undefined,
  sel: VectorSelector,
  o: SampleReadOptions,
  p: Params,
) {
  if (names === undefined || names.keys.length === 0) return undefined;
  const key = storedKey(f);
  const window = `TimeUnix >= ${msParam(o.fromMs, p)} AND TimeUnix <= ${msParam(o.toMs, p)}`;
  const keys = p.add(names.keys, 'Array(String)');
  const pname =
    names.keys.length === 1
      ? p.add(names.names[0]!, 'String')
      : `transform(${key}, ${keys}, ${p.add(names.names, 'Array(String)')}, '')`;
  const others = sel.matchers.filter((m) => m.name !== '__name__');
  const where = others.map((m) => matcherSql(m, `ls[${p.add(m.name, 'String')}]`, p));
  const from = `FROM ${ident(o.database)}.${f.table}${f.arrayJoin ? ` ARRAY JOIN ${f.arrayJoin}` : ''}
      WHERE MetricName IN ${p.add(names.metrics, 'Array(String)')} AND ${window} AND ${key} IN ${keys}`;
  return { from, pname, where };
}

/**
 * The distinct label sets (one column `ls`) of the series a selector denotes that have samples
 * from `fromMs` to `toMs`, native histograms included, for /series, /labels and /label/<name>/values.
 */
export function matchingSeriesSql(
  sel: VectorSelector,
  fromMs: number,
  toMs: number,
  p: Params,
  database: string,
): string {
  const o = { database, fromMs, toMs };
  return [...FAMILY_READS, NATIVE_HISTOGRAM_READ]
    .map((f) => `SELECT DISTINCT ls FROM (${familyRowsSql(f, sel, o, '', true, p)})`)
    .join('\nUNION ALL\n');
}
