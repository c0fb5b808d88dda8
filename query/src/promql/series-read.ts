import { METRIC_TABLES } from '@sightline/store/schema/metrics';
import type { Params } from '../sql/metrics-keys.ts';
import type { VectorSelector } from './ast.ts';
import {
  FAMILY_READS,
  labelMap,
  NO_SAMPLES,
  resolvedRead,
  sampleCols,
  selectorSamplesSql,
  seriesKey,
  type FamilyNames,
  type SampleReadOptions,
} from './catalog.ts';

/** A selector's series apart from their samples: what metrics-prom-sql computes per series. */
export interface SeriesSamples {
  /** Rows (sk, d, t, st, v, stale). */
  readonly samples: string;
  /** Rows (sk, ls), one per series. */
  readonly labels: string;
}

const NO_LABELS = `SELECT toUInt64(0) AS sk, CAST(map(), 'Map(String, String)') AS ls WHERE 0`;

/**
 * The samples a selector denotes without their labels, and the labels once per series: label maps
 * are built for the series, not for every sample. Label matchers choose series (sk) by their
 * labels. Without `resolved`, from selectorSamplesSql.
 */
export function selectorSeriesSql(
  sel: VectorSelector,
  o: SampleReadOptions,
  p: Params,
  resolved?: readonly (FamilyNames | undefined)[],
): SeriesSamples {
  if (resolved === undefined) {
    const read = selectorSamplesSql(sel, o, p);
    return {
      samples: `SELECT sk, d, t, st, v, stale FROM (${read})`,
      labels: `SELECT sk, any(ls) AS ls FROM (${read}) GROUP BY sk`,
    };
  }
  const samples: string[] = [];
  const labels: string[] = [];
  FAMILY_READS.forEach((f, k) => {
    const r = resolvedRead(f, resolved[k], sel, o, p);
    if (r === undefined) return;
    const naming = `ServiceName, ResourceAttributes, ScopeName, Attributes, MetricName, MetricUnit${f.table === METRIC_TABLES.sum ? ', IsMonotonic' : ''}`;
    const columns = naming.split(', ');
    const extra = f.extra ? `, ${f.extra[1]}` : '';
    const one = `SELECT ${seriesKey(f)} AS sk, any((${naming}${extra})) AS _r ${r.from} GROUP BY sk`;
    const unpacked = `SELECT sk, ${columns.map((c, j) => `_r.${j + 1} AS ${c}`).join(', ')}${f.extra ? `, _r.${columns.length + 1} AS _extra` : ''} FROM (${one})`;
    const ls = `SELECT sk, ${labelMap(r.pname, '_extra', f)} AS ls FROM (${unpacked})`;
    const chosen = `SELECT sk, ls FROM (${ls})${r.where.length > 0 ? ` WHERE ${r.where.join(' AND ')}` : ''}`;
    labels.push(chosen);
    const only = r.where.length > 0 ? ` AND sk IN (SELECT sk FROM (${chosen}))` : '';
    samples.push(`SELECT sk, d, t, st, v, stale FROM (SELECT ${sampleCols(f)} ${r.from}${only})`);
  });
  if (samples.length === 0) {
    return { samples: `SELECT sk, d, t, st, v, stale FROM (${NO_SAMPLES})`, labels: NO_LABELS };
  }
  return { samples: samples.join('\nUNION ALL\n'), labels: labels.join('\nUNION ALL\n') };
}
