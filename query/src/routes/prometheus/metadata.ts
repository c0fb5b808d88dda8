import type { ClickHouseClient } from '@clickhouse/client';
import { ident } from '@sightline/store/schema/ddl-context';
import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import { FAMILY_READS, NATIVE_HISTOGRAM_READ, type FamilyRead } from '../../promql/catalog.ts';
import { msParam, Params } from '../../sql/metrics-keys.ts';
import type { PromParams } from './params.ts';

export interface MetricMetadata {
  readonly type: string;
  readonly help: string;
  readonly unit: string;
}

// Prometheus lists what its targets expose now; Sightline lists the families with data this recent.
export const METADATA_WINDOW_MS = 24 * 3_600_000;

// One read per table: a histogram's _bucket, _sum and _count share their family.
const FAMILIES: readonly FamilyRead[] = [
  ...FAMILY_READS.filter((f, k) => FAMILY_READS.findIndex((g) => g.table === f.table) === k),
  NATIVE_HISTOGRAM_READ,
];

// Remote-write units are stored as UCUM codes (collector/src/prom/units.ts); metadata spells
// them as Prometheus does. OTLP families have none, as in the exporter's text format.
const UNIT = `if(ScopeName = '', transform(MetricUnit, ['s', 'By', '1'], ['seconds', 'bytes', 'ratio'], MetricUnit), '')`;

/**
 * /api/v1/metadata: each family's type, help and unit, `{ name: [{type, help, unit}] }`; several
 * entries when stored streams disagree, as Prometheus lists one per distinct target answer.
 */
export async function metadata(
  client: ClickHouseClient,
  database: string,
  params: PromParams,
  maxRows: number,
  nowMs = Date.now(),
): Promise<Record<string, MetricMetadata[]>> {
  const metric = params.get('metric');
  const limit = params.limit();
  const perMetric = params.limit('limit_per_metric');
  const p = new Params('d');
  const from = msParam(nowMs - METADATA_WINDOW_MS, p);
  const reads = FAMILIES.map((f) => {
    // Families are named from the few distinct streams, not from every row.
    const keys = `MetricName, MetricUnit, ScopeName${f.table === METRIC_TABLES.sum ? ', IsMonotonic' : ''}`;
    return `SELECT ${f.family} AS name, '${f.type}' AS type, MetricDescription AS help, ${UNIT} AS unit
      FROM (SELECT ${keys}, MetricDescription FROM ${ident(database)}.${f.table}
        WHERE TimeUnix >= ${from} GROUP BY ${keys}, MetricDescription)`;
  });
  const where = metric === '' ? '' : `WHERE name = ${p.add(metric, 'String')}`;
  const sql = `SELECT name, type, help, unit FROM (${reads.join(' UNION ALL ')}) ${where}
    GROUP BY name, type, help, unit ORDER BY name, type, help, unit
    ${perMetric > 0 ? `LIMIT ${p.add(perMetric, 'UInt64')} BY name` : ''}
    LIMIT ${p.add(maxRows, 'UInt64')}`;
  const rs = await client.query({ query: sql, query_params: p.values, format: 'JSONEachRow' });
  const rows = await rs.json<MetricMetadata & { name: string }>();
  const out: Record<string, MetricMetadata[]> = {};
  for (const { name, ...m } of rows) {
    const list = out[name];
    if (list) list.push(m);
    else if (limit === 0 || Object.keys(out).length < limit) out[name] = [m];
  }
  return out;
}
