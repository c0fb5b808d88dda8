import {
  metrics,
  type Attributes,
  type Counter,
  type Gauge,
  type Histogram,
  type Meter,
  type MeterProvider,
  type MetricOptions as OtelMetricOptions,
} from '@opentelemetry/api';

export const METER_NAME = '@sightline/sdk';

export interface MetricOptions {
  description?: string;
  /** UCUM unit, e.g. `ms`, `s`, `By`, `{request}`. */
  unit?: string;
}

export interface HistogramOptions extends MetricOptions {
  /** Bucket upper bounds; the SDK's defaults otherwise. */
  boundaries?: number[];
}

export interface CounterHandle {
  /** Adds a non-negative amount (default 1). */
  add(value?: number, attributes?: Attributes): void;
}

export interface HistogramHandle {
  record(value: number, attributes?: Attributes): void;
}

export interface GaugeHandle {
  /** Records the current value; the last one set in each export interval is reported. */
  set(value: number, attributes?: Attributes): void;
}

/**
 * The OTel API hands out no-op instruments until a provider is registered, and they stay no-ops.
 * Handles are often module-level constants created before `init()`, so each one creates its
 * instrument on first use and again if the global provider changes.
 */
function lazyInstrument<T>(create: (meter: Meter) => T): () => T {
  let provider: MeterProvider | undefined;
  let instrument: T | undefined;
  return () => {
    const current = metrics.getMeterProvider();
    if (instrument === undefined || current !== provider) {
      provider = current;
      instrument = create(current.getMeter(METER_NAME));
    }
    return instrument;
  };
}

function otelOptions(options: MetricOptions): OtelMetricOptions {
  const result: OtelMetricOptions = {};
  if (options.description !== undefined) result.description = options.description;
  if (options.unit !== undefined) result.unit = options.unit;
  return result;
}

export function counter(name: string, options: MetricOptions = {}): CounterHandle {
  const get = lazyInstrument<Counter>((meter) => meter.createCounter(name, otelOptions(options)));
  return { add: (value = 1, attributes) => get().add(value, attributes) };
}

export function histogram(name: string, options: HistogramOptions = {}): HistogramHandle {
  const base = otelOptions(options);
  const withAdvice: OtelMetricOptions =
    options.boundaries === undefined
      ? base
      : { ...base, advice: { explicitBucketBoundaries: [...options.boundaries] } };
  const get = lazyInstrument<Histogram>((meter) => meter.createHistogram(name, withAdvice));
  return { record: (value, attributes) => get().record(value, attributes) };
}

export function gauge(name: string, options: MetricOptions = {}): GaugeHandle {
  const get = lazyInstrument<Gauge>((meter) => meter.createGauge(name, otelOptions(options)));
  return { set: (value, attributes) => get().record(value, attributes) };
}
