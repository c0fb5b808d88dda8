import { ItemError, Rejections } from '../otlp/item-error.ts';
import type { MetadataCache } from './metadata-cache.ts';
import { exponentialPoint } from './native-histogram.ts';
import type { PromTimeSeries, PromWriteRequest } from './remote-write-proto.ts';
import type { StartTimes } from './start-times.ts';
import { unitOf } from './units.ts';

type Obj = Record<string, unknown>;
type KeyValue = { key: string; value: { stringValue: string } };

export interface PromConversion {
  /** An ExportMetricsServiceRequest in the OTLP/JSON shape, holding only what was valid. */
  request: { resourceMetrics: Obj[] };
  /** Data points in the request. */
  points: number;
  /** Time series that could not be converted (or, within one, samples). */
  rejected: Rejections;
}

const CUMULATIVE = 2;
// OTLP's DataPointFlags.FLAG_NO_RECORDED_VALUE.
const NO_RECORDED_VALUE = 1;
const STALE_BITS = 0x7ff0000000000002n;
const bits = new DataView(new ArrayBuffer(8));

/** Prometheus' staleness marker: a NaN with its own bit pattern (a plain NaN is a value). */
export function isStaleMarker(v: number): boolean {
  if (!Number.isNaN(v)) return false;
  bits.setFloat64(0, v);
  return bits.getBigUint64(0) === STALE_BITS;
}
// Per Prometheus naming conventions, these suffixes name the cumulative parts of counters,
// histograms and summaries.
const COUNTER_SUFFIXES = ['_total', '_count', '_sum', '_bucket'];
const FAMILY_SUFFIXES = [...COUNTER_SUFFIXES, '_created', '_gcount', '_gsum', '_info'];

type Kind = 'sum' | 'gauge';

function kindOf(name: string, metadata: MetadataCache): { kind: Kind; family?: string } {
  let family: string | undefined = metadata.get(name) ? name : undefined;
  let suffix = '';
  if (!family) {
    for (const s of FAMILY_SUFFIXES) {
      if (name.endsWith(s) && metadata.get(name.slice(0, -s.length))) {
        family = name.slice(0, -s.length);
        suffix = s;
        break;
      }
    }
  }
  const info = family ? metadata.get(family) : undefined;
  if (!info) {
    return { kind: COUNTER_SUFFIXES.some((s) => name.endsWith(s)) ? 'sum' : 'gauge' };
  }
  const f = { family: family ?? name };
  switch (info.type) {
    case 'COUNTER':
      // OpenMetrics' foo_created holds the counter's start time, not a count.
      return { kind: suffix === '_created' ? 'gauge' : 'sum', ...f };
    case 'HISTOGRAM':
    case 'SUMMARY':
      // A summary's quantile series (the family's own name) is a gauge.
      return {
        kind: suffix === '_bucket' || suffix === '_count' || suffix === '_sum' ? 'sum' : 'gauge',
        ...f,
      };
    default:
      return { kind: 'gauge', ...f };
  }
}

const MS_DIGITS = /^-?\d{1,16}$/;

// The store's nanosecond timestamps (DateTime64(9), a signed 64-bit count) end in April 2262.
const MAX_NANOS = 9223372036854775807n;

function msToNanos(v: string | undefined, path: string): string {
  if (v === undefined || !MS_DIGITS.test(v) || v.startsWith('-'))
    throw new ItemError(path, 'expected milliseconds since the epoch');
  const ns = BigInt(v) * 1_000_000n;
  if (ns > MAX_NANOS)
    throw new ItemError(path, 'is after the year 2262, beyond what can be stored');
  return ns.toString();
}

interface MetricAcc {
  name: string;
  kind: Kind | 'exponentialHistogram';
  description: string;
  unit: string;
  dataPoints: Obj[];
}

interface ResourceAcc {
  attributes: KeyValue[];
  metrics: Map<string, MetricAcc>;
}

const text = (key: string, value: string): KeyValue => ({ key, value: { stringValue: value } });

/**
 * A remote-write request → an OTLP metrics export request. `job` and `instance` become the
 * resource (service.name, service.instance.id), as in the OpenTelemetry Collector's Prometheus
 * receiver; `__name__` the metric name; every other label a data point attribute. Counters (by
 * metadata, else by Prometheus' suffix conventions) become cumulative monotonic sums, everything
 * else gauges; classic histograms and summaries stay as their separate `_bucket` (with `le`),
 * `_count`, `_sum` and quantile series. Native histograms become exponential histograms.
 * Cumulative points get first-seen start times (`StartTimes`); description and unit come from
 * the family's metadata, the unit else from the name's suffix. Every value is kept, NaN and
 * infinities too; a stale marker (the NaN with bits 0x7ff0000000000002) becomes a point with
 * no recorded value (flags 1, value NaN), which ends its series.
 */
export function remoteWriteToOtlp(
  req: PromWriteRequest,
  metadata: MetadataCache,
  starts: StartTimes,
): PromConversion {
  metadata.learn(req.metadata);
  const rejected = new Rejections();
  const resources = new Map<string, ResourceAcc>();
  let points = 0;
  const series = req.timeseries ?? [];
  for (let i = 0; i < series.length; i++) {
    const path = `timeseries[${i}]`;
    try {
      points += convertSeries(series[i]!, path, { metadata, starts }, resources, rejected);
    } catch (err) {
      if (!(err instanceof ItemError)) throw err;
      rejected.add(err);
    }
  }
  const resourceMetrics = [...resources.values()].map((r) => ({
    resource: { attributes: r.attributes },
    scopeMetrics: [
      {
        metrics: [...r.metrics.values()].map((m) => {
          const base = { name: m.name, description: m.description, unit: m.unit };
          const dataPoints = m.dataPoints;
          if (m.kind === 'gauge') return { ...base, gauge: { dataPoints } };
          const data = { aggregationTemporality: CUMULATIVE, dataPoints };
          if (m.kind === 'sum') return { ...base, sum: { ...data, isMonotonic: true } };
          return { ...base, exponentialHistogram: data };
        }),
      },
    ],
  }));
  return { request: { resourceMetrics }, points, rejected };
}

function convertSeries(
  ts: PromTimeSeries,
  path: string,
  { metadata, starts }: { metadata: MetadataCache; starts: StartTimes },
  resources: Map<string, ResourceAcc>,
  rejected: Rejections,
): number {
  let name = '';
  let job = '';
  let instance = '';
  const attributes: KeyValue[] = [];
  const seen = new Set<string>();
  for (const [j, l] of (ts.labels ?? []).entries()) {
    const key = l.name ?? '';
    if (key === '') throw new ItemError(`${path}.labels[${j}].name`, 'must not be empty');
    if (seen.has(key)) throw new ItemError(`${path}.labels[${j}]`, `duplicate label '${key}'`);
    seen.add(key);
    const value = l.value ?? '';
    if (key === '__name__') name = value;
    else if (key === 'job') job = value;
    else if (key === 'instance') instance = value;
    else attributes.push(text(key, value));
  }
  if (name === '') throw new ItemError(`${path}.labels`, 'a series needs a __name__ label');

  const resourceKey = `${job}\u0000${instance}`;
  let resource = resources.get(resourceKey);
  if (!resource) {
    const attrs: KeyValue[] = [];
    if (job) attrs.push(text('service.name', job));
    if (instance) attrs.push(text('service.instance.id', instance));
    resources.set(resourceKey, (resource = { attributes: attrs, metrics: new Map() }));
  }
  const { kind, family } = kindOf(name, metadata);
  const info = family ? metadata.get(family) : undefined;
  const metricOf = (k: MetricAcc['kind']): MetricAcc => {
    const key = `${k}\u0000${name}`;
    let m = resource.metrics.get(key);
    if (!m) {
      const unit = unitOf(name, info?.unit ?? '');
      m = { name, kind: k, description: info?.help ?? '', unit, dataPoints: [] };
      resource.metrics.set(key, m);
    }
    return m;
  };

  const seriesKey = `${resourceKey}\u0000${(ts.labels ?? []).map((l) => `${l.name}=${l.value}`).join('\u0000')}`;
  // Only cumulative points have a start time; a gauge's is left unset, as in OTLP.
  const startOf = (time: string, value: number | undefined) =>
    starts.startOf(seriesKey, time, value);
  let points = 0;
  const samples = ts.samples ?? [];
  for (let j = 0; j < samples.length; j++) {
    const s = samples[j]!;
    try {
      const timeUnixNano = msToNanos(s.timestamp, `${path}.samples[${j}].timestamp`);
      const stale = isStaleMarker(s.value);
      metricOf(kind).dataPoints.push({
        attributes,
        timeUnixNano,
        ...(kind === 'sum' && {
          startTimeUnixNano: startOf(timeUnixNano, stale ? undefined : s.value),
        }),
        asDouble: stale ? NaN : s.value,
        ...(stale && { flags: NO_RECORDED_VALUE }),
      });
      points++;
    } catch (err) {
      if (!(err instanceof ItemError)) throw err;
      rejected.add(err);
    }
  }
  const histograms = ts.histograms ?? [];
  for (let j = 0; j < histograms.length; j++) {
    const h = histograms[j]!;
    const hPath = `${path}.histograms[${j}]`;
    try {
      const timeUnixNano = msToNanos(h.timestamp, `${hPath}.timestamp`);
      // A native histogram's stale marker carries the special NaN as its sum.
      const stale = h.sum !== undefined && isStaleMarker(h.sum);
      const point = stale
        ? { timeUnixNano, sum: NaN, flags: NO_RECORDED_VALUE }
        : exponentialPoint(h, timeUnixNano, hPath);
      // A drop in count is a reset.
      const count = 'count' in point ? Number(point.count) : undefined;
      metricOf('exponentialHistogram').dataPoints.push({
        attributes,
        ...point,
        startTimeUnixNano: startOf(timeUnixNano, count),
      });
      points++;
    } catch (err) {
      if (!(err instanceof ItemError)) throw err;
      rejected.add(err);
    }
  }
  return points;
}
