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

/**
 * Host and process facts, then OTEL_RESOURCE_ATTRIBUTES, then the options: later ones win, so
 * code beats the environment, as for every other option.
 */
export function createResource(configured: Record<string, ResourceAttributeValue>): Resource {
  const detected = detectResources({ detectors: [hostDetector, processDetector, envDetector] });
  return detected.merge(resourceFromAttributes(configured));
}
