import {
  emptyBatch,
  type ExemplarColumns,
  type MetricRowBase,
  type RowBatch,
} from '@sightline/model/rows';
import { ItemError, Rejections } from './item-error.ts';
import { resourceOf, scopeOf, type ResourceScope } from './resource.ts';
import {
  attributes,
  bool,
  hexId,
  list,
  checkTime,
  nanos,
  num,
  optObj,
  str,
  u64,
  type MapLimits,
} from './values.ts';

type Obj = Record<string, unknown>;
type MetricRows = Pick<
  RowBatch,
  'gauge' | 'sum' | 'histogram' | 'exponentialHistogram' | 'summary'
>;

export interface MappedMetrics {
  rows: MetricRows;
  /** Rejected data points (a metric without data counts as one). */
  rejected: Rejections;
}

function numberValue(p: Obj, path: string): number {
  if (p.asDouble !== undefined && p.asDouble !== null) return num(p.asDouble, path, 'asDouble');
  if (p.asInt !== undefined && p.asInt !== null) return num(p.asInt, path, 'asInt');
  return 0;
}

function exemplars(p: Obj, limits: MapLimits, path: string): ExemplarColumns {
  const ex = list(p.exemplars, path, 'exemplars').map((e, i) =>
    optObj(e, `${path}.exemplars[${i}]`),
  );
  const at = (i: number) => `${path}.exemplars[${i}]`;
  return {
    'Exemplars.FilteredAttributes': ex.map((e, i) =>
      attributes(e.filteredAttributes, limits, at(i), 'filteredAttributes'),
    ),
    'Exemplars.TimeUnix': ex.map((e, i) => nanos(e.timeUnixNano, at(i), 'timeUnixNano')),
    'Exemplars.Value': ex.map((e, i) => numberValue(e, at(i))),
    'Exemplars.SpanId': ex.map((e, i) => hexId(e.spanId, 8, at(i), 'spanId')),
    'Exemplars.TraceId': ex.map((e, i) => hexId(e.traceId, 16, at(i), 'traceId')),
  };
}

/** The scales OpenTelemetry defines for exponential histograms. */
const SCALE = { min: -10, max: 20 } as const;

function expScale(v: unknown, path: string): number {
  const scale = num(v, path, 'scale');
  if (!Number.isInteger(scale) || scale < SCALE.min || scale > SCALE.max) {
    throw new ItemError(`${path}.scale`, `must be an integer from ${SCALE.min} to ${SCALE.max}`);
  }
  return scale;
}

/**
 * Buckets whose boundaries are finite doubles: bucket i covers (base^i, base^(i+1)] with
 * base = 2^(2^-scale), so every index from `offset` to `offset + count` must keep
 * index × 2^-scale within a double's exponent range (at least -1074, below 1024). Beyond it the
 * boundaries are 0 or infinity, and every percentile of the metric would be NaN.
 */
function expBuckets(b: Obj, scale: number, path: string): { offset: number; counts: string[] } {
  const offset = num(b.offset, path, 'offset');
  const counts = buckets(b.bucketCounts, path, 'bucketCounts');
  if (counts.length === 0) return { offset, counts };
  const lowest = offset * 2 ** -scale;
  const highest = (offset + counts.length) * 2 ** -scale;
  if (!Number.isInteger(offset) || lowest < -1074 || highest >= 1024) {
    const range = `${Math.ceil(-1074 * 2 ** scale)} to ${2 ** (10 + scale) - counts.length - 1}`;
    throw new ItemError(
      `${path}.offset`,
      `${offset} with ${counts.length} buckets at scale ${scale} puts bucket boundaries beyond what a double holds; at this scale the offset must be ${range}`,
    );
  }
  return { offset, counts };
}

/** A data point's time, refused outside the accepted window (its start time may be long ago). */
function pointTime(p: Obj, limits: MapLimits, path: string): string {
  const t = nanos(p.timeUnixNano, path, 'timeUnixNano');
  checkTime(t, limits, path, 'timeUnixNano');
  return t;
}

function optionalNumber(v: unknown, at: string, field: string): number {
  return v === undefined || v === null ? 0 : num(v, at, field);
}

function buckets(v: unknown, at: string, field: string): string[] {
  return list(v, at, field).map((c, i) => u64(c, `${at}.${field}[${i}]`));
}

/** ExportMetricsServiceRequest → rows for the five metric tables, one row per data point. */
export function mapMetrics(req: unknown, limits: MapLimits): MappedMetrics {
  const rows: MetricRows = emptyBatch();
  const rejected = new Rejections();
  const rms = list(optObj(req, 'request').resourceMetrics, 'resourceMetrics');
  for (let r = 0; r < rms.length; r++) {
    const rPath = `resourceMetrics[${r}]`;
    const rm = optObj(rms[r], rPath);
    const res = resourceOf(rm, limits, rPath);
    const sms = list(rm.scopeMetrics, rPath, 'scopeMetrics');
    for (let s = 0; s < sms.length; s++) {
      const sPath = `${rPath}.scopeMetrics[${s}]`;
      const sm = optObj(sms[s], sPath);
      const rsc: ResourceScope = { ...res, ...scopeOf(sm, limits, sPath) };
      const metrics = list(sm.metrics, sPath, 'metrics');
      for (let m = 0; m < metrics.length; m++) {
        const path = `${sPath}.metrics[${m}]`;
        try {
          mapMetric(optObj(metrics[m], path), rsc, limits, path, rows, rejected);
        } catch (err) {
          if (!(err instanceof ItemError)) throw err;
          rejected.add(err);
        }
      }
    }
  }
  return { rows, rejected };
}

function mapMetric(
  metric: Obj,
  rsc: ResourceScope,
  limits: MapLimits,
  path: string,
  rows: MetricRows,
  rejected: Rejections,
): void {
  const name = str(metric.name, path, 'name');
  if (name === '') throw new ItemError(`${path}.name`, 'a metric needs a name');
  const base = (p: Obj, pPath: string): MetricRowBase => ({
    ResourceAttributes: rsc.resourceAttributes,
    ResourceSchemaUrl: rsc.resourceSchemaUrl,
    ScopeName: rsc.scopeName,
    ScopeVersion: rsc.scopeVersion,
    ScopeAttributes: rsc.scopeAttributes,
    ScopeDroppedAttrCount: rsc.scopeDroppedAttrCount,
    ScopeSchemaUrl: rsc.scopeSchemaUrl,
    ServiceName: rsc.serviceName,
    MetricName: name,
    MetricDescription: str(metric.description, path, 'description'),
    MetricUnit: str(metric.unit, path, 'unit'),
    Attributes: attributes(p.attributes, limits, pPath, 'attributes'),
    StartTimeUnix: nanos(p.startTimeUnixNano, pPath, 'startTimeUnixNano'),
    TimeUnix: pointTime(p, limits, pPath),
  });
  // Each data point stands alone: one that cannot be stored does not take its siblings with it.
  const each = (data: Obj, field: string, push: (p: Obj, pPath: string) => void): void => {
    const points = list(data.dataPoints, `${path}.${field}`, 'dataPoints');
    for (let i = 0; i < points.length; i++) {
      const pPath = `${path}.${field}.dataPoints[${i}]`;
      try {
        push(optObj(points[i], pPath), pPath);
      } catch (err) {
        if (!(err instanceof ItemError)) throw err;
        rejected.add(err);
      }
    }
  };
  const temporality = (data: Obj, field: string) =>
    num(data.aggregationTemporality, `${path}.${field}`, 'aggregationTemporality');

  if (metric.gauge != null) {
    const g = optObj(metric.gauge, path, 'gauge');
    each(g, 'gauge', (p, pp) =>
      rows.gauge.push({
        ...base(p, pp),
        Value: numberValue(p, pp),
        Flags: num(p.flags, pp, 'flags'),
        ...exemplars(p, limits, pp),
      }),
    );
  } else if (metric.sum != null) {
    const s = optObj(metric.sum, path, 'sum');
    const t = temporality(s, 'sum');
    const mono = bool(s.isMonotonic, `${path}.sum`, 'isMonotonic');
    each(s, 'sum', (p, pp) =>
      rows.sum.push({
        ...base(p, pp),
        Value: numberValue(p, pp),
        Flags: num(p.flags, pp, 'flags'),
        ...exemplars(p, limits, pp),
        AggregationTemporality: t,
        IsMonotonic: mono,
      }),
    );
  } else if (metric.histogram != null) {
    const h = optObj(metric.histogram, path, 'histogram');
    const t = temporality(h, 'histogram');
    each(h, 'histogram', (p, pp) => {
      const bucketCounts = buckets(p.bucketCounts, pp, 'bucketCounts');
      const bounds = list(p.explicitBounds, pp, 'explicitBounds').map((b, i) =>
        num(b, `${pp}.explicitBounds[${i}]`),
      );
      if (bucketCounts.length > 0 && bucketCounts.length !== bounds.length + 1) {
        throw new ItemError(pp, 'bucketCounts must have one more entry than explicitBounds');
      }
      rows.histogram.push({
        ...base(p, pp),
        Count: u64(p.count, pp, 'count'),
        Sum: optionalNumber(p.sum, pp, 'sum'),
        BucketCounts: bucketCounts,
        ExplicitBounds: bounds,
        ...exemplars(p, limits, pp),
        Flags: num(p.flags, pp, 'flags'),
        Min: optionalNumber(p.min, pp, 'min'),
        Max: optionalNumber(p.max, pp, 'max'),
        AggregationTemporality: t,
      });
    });
  } else if (metric.exponentialHistogram != null) {
    const h = optObj(metric.exponentialHistogram, path, 'exponentialHistogram');
    const t = temporality(h, 'exponentialHistogram');
    each(h, 'exponentialHistogram', (p, pp) => {
      const pos = optObj(p.positive, pp, 'positive');
      const neg = optObj(p.negative, pp, 'negative');
      const scale = expScale(p.scale, pp);
      const positive = expBuckets(pos, scale, `${pp}.positive`);
      const negative = expBuckets(neg, scale, `${pp}.negative`);
      rows.exponentialHistogram.push({
        ...base(p, pp),
        Count: u64(p.count, pp, 'count'),
        Sum: optionalNumber(p.sum, pp, 'sum'),
        Scale: scale,
        ZeroCount: u64(p.zeroCount, pp, 'zeroCount'),
        PositiveOffset: positive.offset,
        PositiveBucketCounts: positive.counts,
        NegativeOffset: negative.offset,
        NegativeBucketCounts: negative.counts,
        ...exemplars(p, limits, pp),
        Flags: num(p.flags, pp, 'flags'),
        Min: optionalNumber(p.min, pp, 'min'),
        Max: optionalNumber(p.max, pp, 'max'),
        AggregationTemporality: t,
      });
    });
  } else if (metric.summary != null) {
    const s = optObj(metric.summary, path, 'summary');
    each(s, 'summary', (p, pp) => {
      const qs = list(p.quantileValues, pp, 'quantileValues').map((q, i) =>
        optObj(q, `${pp}.quantileValues[${i}]`),
      );
      rows.summary.push({
        ...base(p, pp),
        Count: u64(p.count, pp, 'count'),
        Sum: optionalNumber(p.sum, pp, 'sum'),
        'ValueAtQuantiles.Quantile': qs.map((q, i) =>
          num(q.quantile, `${pp}.quantileValues[${i}]`, 'quantile'),
        ),
        'ValueAtQuantiles.Value': qs.map((q, i) =>
          num(q.value, `${pp}.quantileValues[${i}]`, 'value'),
        ),
        Flags: num(p.flags, pp, 'flags'),
      });
    });
  } else {
    throw new ItemError(
      path,
      'a metric needs one of gauge, sum, histogram, exponentialHistogram or summary',
    );
  }
}
