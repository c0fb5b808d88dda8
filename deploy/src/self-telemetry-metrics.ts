import type { BatchObservableCallback, Meter, Observable } from '@opentelemetry/api';
import type { Registry } from 'prom-client';

/**
 * Reports the counters and gauges of the Prometheus self-metrics registry as OTel observable
 * instruments of the same names and labels, read from the registry at each export, so GET /metrics
 * and the Pipeline view show one set of figures kept in one place. Prometheus histograms have no
 * observable OTel counterpart and are left to GET /metrics.
 * Returns a function that stops reporting.
 */
export function bridgeRegistry(registry: Registry, meter: Meter): () => void {
  const instruments = new Map<string, Observable>();
  for (const metric of registry.getMetricsAsArray()) {
    const options = { description: metric.help };
    // prom-client's types say a numeric enum; at run time `type` is the text 'counter', 'gauge'…
    const type: unknown = metric.type;
    if (type === 'counter') {
      instruments.set(metric.name, meter.createObservableCounter(metric.name, options));
    } else if (type === 'gauge') {
      instruments.set(metric.name, meter.createObservableGauge(metric.name, options));
    }
  }
  const observables = [...instruments.values()];
  const callback: BatchObservableCallback = async (result) => {
    // One read of the whole registry per export; its collect() hooks refresh each value.
    const all = await registry.getMetricsAsJSON();
    for (const metric of all) {
      const instrument = instruments.get(metric.name);
      if (instrument === undefined) continue;
      for (const point of metric.values) {
        if (Number.isFinite(point.value)) result.observe(instrument, point.value, point.labels);
      }
    }
  };
  meter.addBatchObservableCallback(callback, observables);
  return () => meter.removeBatchObservableCallback(callback, observables);
}
