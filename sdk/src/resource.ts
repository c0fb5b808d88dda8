import {
  detectResources,
  envDetector,
  hostDetector,
  processDetector,
  resourceFromAttributes,
  type Resource,
} from '@opentelemetry/resources';
import type { ResolvedConfig, ResourceAttributeValue } from './options.ts';

/** The resource attributes that come from the options (plain values, so a worker can get them). */
export function configuredResourceAttributes(
  config: ResolvedConfig,
): Record<string, ResourceAttributeValue> {
  return {
    ...config.resourceAttributes,
    'service.name': config.service,
    'telemetry.distro.name': '@sightline/sdk',
  };
}

/** Attribute values that can cross to a worker thread as they are. */
export type PlainAttributes = Record<string, ResourceAttributeValue | string[]>;

/**
 * The process facts (pid, command, arguments, runtime, owner) of the calling thread, as plain
 * values. The log worker receives the main thread's: detected inside the worker they would
 * describe the worker's entry module instead of the application.
 */
export function processAttributes(): PlainAttributes {
  const found: PlainAttributes = {};
  for (const [key, value] of Object.entries(processDetector.detect().attributes ?? {})) {
    // All of them are synchronous; anything else could not cross to a worker anyway.
    if (typeof value === 'string' || typeof value === 'number' || typeof value === 'boolean') {
      found[key] = value;
    } else if (Array.isArray(value)) {
      found[key] = value.filter((v): v is string => typeof v === 'string');
    }
  }
  return found;
}

/**
 * Host and process facts, then OTEL_RESOURCE_ATTRIBUTES, then the options: later ones win, so
 * code beats the environment, as for every other option.
 */
export function createResource(
  configured: Record<string, ResourceAttributeValue>,
  processFacts: PlainAttributes = processAttributes(),
): Resource {
  const detected = detectResources({
    detectors: [hostDetector, { detect: () => ({ attributes: processFacts }) }, envDetector],
  });
  return detected.merge(resourceFromAttributes(configured));
}
