import protobuf from 'protobufjs';

/**
 * Prometheus remote write 1.0's `prometheus.WriteRequest` (prometheus/prompb types.proto and
 * remote.proto), defined by reflection: no maintained npm package ships a decoder for it. Field
 * numbers follow prompb; gogoproto options and fields a receiver never reads are left out.
 */
const MetricType = new protobuf.Enum('MetricType', {
  UNKNOWN: 0,
  COUNTER: 1,
  GAUGE: 2,
  HISTOGRAM: 3,
  GAUGEHISTOGRAM: 4,
  SUMMARY: 5,
  INFO: 6,
  STATESET: 7,
});

const MetricMetadata = new protobuf.Type('MetricMetadata')
  .add(new protobuf.Field('type', 1, 'MetricType'))
  .add(new protobuf.Field('metricFamilyName', 2, 'string'))
  .add(new protobuf.Field('help', 4, 'string'))
  .add(new protobuf.Field('unit', 5, 'string'));

const Label = new protobuf.Type('Label')
  .add(new protobuf.Field('name', 1, 'string'))
  .add(new protobuf.Field('value', 2, 'string'));

const Sample = new protobuf.Type('Sample')
  .add(new protobuf.Field('value', 1, 'double'))
  .add(new protobuf.Field('timestamp', 2, 'int64'));

const Exemplar = new protobuf.Type('Exemplar')
  .add(new protobuf.Field('labels', 1, 'Label', 'repeated'))
  .add(new protobuf.Field('value', 2, 'double'))
  .add(new protobuf.Field('timestamp', 3, 'int64'));

const BucketSpan = new protobuf.Type('BucketSpan')
  .add(new protobuf.Field('offset', 1, 'sint32'))
  .add(new protobuf.Field('length', 2, 'uint32'));

// A native histogram: integer counts as deltas between buckets, float counts as absolute values.
const Histogram = new protobuf.Type('Histogram')
  .add(new protobuf.Field('countInt', 1, 'uint64'))
  .add(new protobuf.Field('countFloat', 2, 'double'))
  .add(new protobuf.Field('sum', 3, 'double'))
  .add(new protobuf.Field('schema', 4, 'sint32'))
  .add(new protobuf.Field('zeroThreshold', 5, 'double'))
  .add(new protobuf.Field('zeroCountInt', 6, 'uint64'))
  .add(new protobuf.Field('zeroCountFloat', 7, 'double'))
  .add(new protobuf.Field('negativeSpans', 8, 'BucketSpan', 'repeated'))
  .add(new protobuf.Field('negativeDeltas', 9, 'sint64', 'repeated'))
  .add(new protobuf.Field('negativeCounts', 10, 'double', 'repeated'))
  .add(new protobuf.Field('positiveSpans', 11, 'BucketSpan', 'repeated'))
  .add(new protobuf.Field('positiveDeltas', 12, 'sint64', 'repeated'))
  .add(new protobuf.Field('positiveCounts', 13, 'double', 'repeated'))
  .add(new protobuf.Field('resetHint', 14, 'int32'))
  .add(new protobuf.Field('timestamp', 15, 'int64'))
  // After the fields they group: a oneof added first does not learn of fields added later.
  .add(new protobuf.OneOf('count', ['countInt', 'countFloat']))
  .add(new protobuf.OneOf('zeroCount', ['zeroCountInt', 'zeroCountFloat']));

const TimeSeries = new protobuf.Type('TimeSeries')
  .add(new protobuf.Field('labels', 1, 'Label', 'repeated'))
  .add(new protobuf.Field('samples', 2, 'Sample', 'repeated'))
  .add(new protobuf.Field('exemplars', 3, 'Exemplar', 'repeated'))
  .add(new protobuf.Field('histograms', 4, 'Histogram', 'repeated'));

export const WriteRequest = new protobuf.Type('WriteRequest')
  .add(new protobuf.Field('timeseries', 1, 'TimeSeries', 'repeated'))
  .add(new protobuf.Field('metadata', 3, 'MetricMetadata', 'repeated'));

new protobuf.Root()
  .define('prometheus')
  .add(MetricType)
  .add(MetricMetadata)
  .add(Label)
  .add(Sample)
  .add(Exemplar)
  .add(BucketSpan)
  .add(Histogram)
  .add(TimeSeries)
  .add(WriteRequest);

export interface PromLabel {
  name: string;
  value: string;
}
export interface PromSample {
  value: number;
  /** Milliseconds since the epoch, as a decimal string. */
  timestamp: string;
}
export interface PromExemplar {
  labels?: PromLabel[];
  value?: number;
  timestamp?: string;
}
export interface PromBucketSpan {
  offset?: number;
  length?: number;
}
export interface PromHistogram {
  countInt?: string;
  countFloat?: number;
  sum?: number;
  schema?: number;
  zeroThreshold?: number;
  zeroCountInt?: string;
  zeroCountFloat?: number;
  negativeSpans?: PromBucketSpan[];
  negativeDeltas?: string[];
  negativeCounts?: number[];
  positiveSpans?: PromBucketSpan[];
  positiveDeltas?: string[];
  positiveCounts?: number[];
  resetHint?: number;
  timestamp?: string;
}
export interface PromTimeSeries {
  labels?: PromLabel[];
  samples?: PromSample[];
  exemplars?: PromExemplar[];
  histograms?: PromHistogram[];
}
export interface PromMetadata {
  type?: string;
  metricFamilyName?: string;
  help?: string;
  unit?: string;
}
/** A decoded WriteRequest, as `WriteRequest.toObject(m, { longs: String, enums: String })`. */
export interface PromWriteRequest {
  timeseries?: PromTimeSeries[];
  metadata?: PromMetadata[];
}
