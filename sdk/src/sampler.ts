import {
  AlwaysOffSampler,
  AlwaysOnSampler,
  ParentBasedSampler,
  TraceIdRatioBasedSampler,
  type Sampler,
} from '@opentelemetry/sdk-trace-node';
import type { SamplerConfig } from './options.ts';

export function createSampler(config: SamplerConfig): Sampler {
  const root =
    config.kind === 'ratio'
      ? new TraceIdRatioBasedSampler(config.ratio)
      : config.kind === 'always_on'
        ? new AlwaysOnSampler()
        : new AlwaysOffSampler();
  return config.parentBased ? new ParentBasedSampler({ root }) : root;
}
